package dev.meridian.auth;

import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.RealInfrastructure;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * auth-service's own database goes away under it (a PostgreSQL of this test's own, stopped): the token endpoint —
 * a filter, outside any controller — answers a 503 problem with {@code Retry-After}, as a controller would, not
 * Spring Boot's error JSON with a 500 (the fault run saw that when PostgreSQL restarted).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            AuthorizationServerIT.ISSUER_PROPERTY,
            "meridian.auth.keys.encryption-password=test-password",
            "meridian.auth.keys.encryption-salt=0123456789abcdef",
            "meridian.auth.clients[0].client-id=auth-service",
            "meridian.auth.clients[0].secret=" + AuthorizationServerIT.SECRET,
            "meridian.auth.clients[0].grant-types=client_credentials",
            "meridian.auth.clients[0].scopes=users.credentials.verify",
            "meridian.auth.clients[0].audiences=user-service",
            "spring.datasource.hikari.connection-timeout=1500"
        })
@RealInfrastructure({REDIS})
class DatabaseOutageIT {

    private static final EmbeddedPostgres POSTGRES = start();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> POSTGRES.getJdbcUrl("postgres", "postgres"));
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @AfterAll
    static void stop() {
        try {
            POSTGRES.close();
        } catch (IOException alreadyStopped) {
            // the test stopped it
        }
    }

    @Test
    void theTokenEndpointAnswersA503ProblemWhileTheDatabaseCannotBeReached() throws Exception {
        assertThat(token().statusCode()).as("with its database").isEqualTo(200);

        POSTGRES.close();
        HttpResponse<String> response = token();

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.body())
                .contains("\"status\":503", "\"traceId\"")
                .doesNotContain("Exception", "SQL", "timestamp", "5432");
    }

    private HttpResponse<String> token() throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/oauth2/token"))
                        .timeout(Duration.ofSeconds(20))
                        .header("Authorization", OAuthHttp.basic("auth-service", AuthorizationServerIT.SECRET))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "grant_type=client_credentials&scope=users.credentials.verify"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static EmbeddedPostgres start() {
        try {
            return EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
