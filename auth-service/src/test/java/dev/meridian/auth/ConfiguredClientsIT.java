package dev.meridian.auth;

import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.RealInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.json.JsonMapper;

/**
 * A deployment's clients are whatever its configuration says: a client an earlier configuration registered (here: the
 * service client auth-service used to have, and a public one) can no longer authenticate once a new configuration,
 * started on the same database, no longer names it, and comes back when it is named again.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "meridian.auth.issuer=http://gateway.test:8080",
            "meridian.auth.clients[0].client-id=partner",
            "meridian.auth.clients[0].secret=" + ConfiguredClientsIT.SECRET,
            "meridian.auth.clients[0].grant-types=client_credentials",
            "meridian.auth.clients[0].scopes=users.read",
            "meridian.auth.clients[0].audiences=user-service",
            "meridian.auth.clients[1].client-id=auth-service",
            "meridian.auth.clients[1].secret=" + ConfiguredClientsIT.SECRET,
            "meridian.auth.clients[1].grant-types=client_credentials",
            "meridian.auth.clients[1].scopes=users.credentials.verify",
            "meridian.auth.clients[1].audiences=user-service",
            "meridian.auth.clients[2].client-id=old-cli",
            "meridian.auth.clients[2].grant-types=urn:ietf:params:oauth:grant-type:device_code",
            "meridian.auth.clients[2].scopes=profile",
            "meridian.auth.clients[2].audiences=user-service"
        })
@ActiveProfiles("dev")
@RealInfrastructure({POSTGRES, REDIS})
class ConfiguredClientsIT {

    static final String SECRET = "a-long-service-client-secret";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    Environment environment;

    @Test
    void aClientTheConfigurationNoLongerNamesCanNoLongerAuthenticateUntilItIsNamedAgain() {
        assertThat(serviceToken(port, "auth-service").statusCode()).isEqualTo(200);
        assertThat(deviceAuthorization(port, "old-cli").statusCode()).isEqualTo(200);

        try (ConfigurableApplicationContext redeployed = startOnTheSameDatabase("partner")) {
            int redeployedPort = port(redeployed);

            for (int server : new int[] {port, redeployedPort}) {
                HttpResponse<String> retired = serviceToken(server, "auth-service");
                assertThat(retired.statusCode()).as(retired.body()).isEqualTo(401);
                assertThat(JSON.readTree(retired.body()).get("error").asString())
                        .isEqualTo("invalid_client");
                assertThat(deviceAuthorization(server, "old-cli").statusCode())
                        .as("a retired public client")
                        .isEqualTo(401);
                assertThat(serviceToken(server, "partner").statusCode()).isEqualTo(200);
            }
        }

        try (ConfigurableApplicationContext namedAgain = startOnTheSameDatabase("partner", "auth-service")) {
            assertThat(serviceToken(port(namedAgain), "auth-service").statusCode())
                    .isEqualTo(200);
        }
    }

    /** Another start of auth-service on this test's database, configured with {@code clientIds}: service clients. */
    private ConfigurableApplicationContext startOnTheSameDatabase(String... clientIds) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.profiles.active=dev",
                "--eureka.client.enabled=false",
                "--meridian.auth.issuer=http://gateway.test:8080",
                "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                "--spring.datasource.username=" + environment.getProperty("spring.datasource.username"),
                "--spring.datasource.password=" + environment.getProperty("spring.datasource.password"),
                "--spring.data.redis.url=" + environment.getProperty("spring.data.redis.url")));
        for (int i = 0; i < clientIds.length; i++) {
            String client = "--meridian.auth.clients[" + i + "].";
            arguments.addAll(List.of(
                    client + "client-id=" + clientIds[i],
                    client + "secret=" + SECRET,
                    client + "grant-types=client_credentials",
                    client + "scopes=users.read",
                    client + "audiences=user-service"));
        }
        return new SpringApplicationBuilder(AuthApplication.class).run(arguments.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getProperty("local.server.port", Integer.class);
    }

    private static HttpResponse<String> serviceToken(int server, String clientId) {
        return OAuthHttp.send(
                HTTP,
                HttpRequest.newBuilder(URI.create("http://localhost:" + server + "/oauth2/token"))
                        .header("Authorization", OAuthHttp.basic(clientId, SECRET))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")),
                Duration.ofSeconds(10));
    }

    private static HttpResponse<String> deviceAuthorization(int server, String clientId) {
        return OAuthHttp.send(
                HTTP,
                HttpRequest.newBuilder(URI.create("http://localhost:" + server + "/oauth2/device_authorization"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("client_id=" + clientId + "&scope=profile")),
                Duration.ofSeconds(10));
    }
}
