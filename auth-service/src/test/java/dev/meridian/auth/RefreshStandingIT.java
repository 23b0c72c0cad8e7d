package dev.meridian.auth;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every refresh grant asks user-service for the user's standing now (contract C2), and sign-in sends the client's
 * address with the credentials (C1). user-service is a real HTTP server answering per the contracts
 * ({@link UserServiceStandIn}), so its answers can be changed between sign-in and refresh.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "meridian.auth.issuer=http://gateway.test:8080",
            "spring.kafka.consumer.group-id=auth-service-refresh-standing-it",
            "meridian.auth.clients[0].client-id=" + CodeFlow.CLIENT,
            "meridian.auth.clients[0].secret=" + CodeFlow.SECRET,
            "meridian.auth.clients[0].grant-types=authorization_code,refresh_token",
            "meridian.auth.clients[0].scopes=openid,profile",
            "meridian.auth.clients[0].audiences=user-service",
            "meridian.auth.clients[0].redirect-uris=" + CodeFlow.REDIRECT_URI
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class RefreshStandingIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UserServiceStandIn USER_SERVICE = new UserServiceStandIn(ServiceProcess.freePort());

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void userService(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.cloud.discovery.client.simple.instances.user-service[0].uri",
                () -> "http://127.0.0.1:" + USER_SERVICE.port());
    }

    @AfterAll
    static void stopUserService() {
        USER_SERVICE.close();
    }

    @Test
    void aDeactivatedAdminRefreshingGetsInvalidGrantAndNoTokens() {
        var admin = USER_SERVICE.add(PASSWORD, Set.of("USER", "ADMIN"));
        JsonNode tokens = flow().signIn(admin.email(), PASSWORD);

        USER_SERVICE.change(admin.id(), "DEACTIVATED", Set.of("USER", "ADMIN"));
        HttpResponse<String> refresh =
                flow().refresh(tokens.get("refresh_token").asString());

        assertThat(refresh.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(refresh.body());
        assertThat(error.get("error").asString()).isEqualTo("invalid_grant");
        assertThat(error.has("access_token")).isFalse();
        assertThat(error.has("refresh_token")).isFalse();
    }

    @Test
    void aDemotedAdminsRefreshedTokenNoLongerSaysAdmin() {
        var admin = USER_SERVICE.add(PASSWORD, Set.of("USER", "ADMIN"));
        JsonNode tokens = flow().signIn(admin.email(), PASSWORD);
        assertThat(roles(tokens)).containsExactlyInAnyOrder("USER", "ADMIN");

        USER_SERVICE.change(admin.id(), "ACTIVE", Set.of("USER"));
        HttpResponse<String> refresh =
                flow().refresh(tokens.get("refresh_token").asString());

        assertThat(refresh.statusCode()).as(refresh.body()).isEqualTo(200);
        assertThat(roles(JSON.readTree(refresh.body()))).containsExactly("USER");
    }

    @Test
    void aPromotedUsersRefreshedTokenSaysAdmin() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        JsonNode tokens = flow().signIn(user.email(), PASSWORD);

        USER_SERVICE.change(user.id(), "ACTIVE", Set.of("USER", "ADMIN"));
        HttpResponse<String> refresh =
                flow().refresh(tokens.get("refresh_token").asString());

        assertThat(refresh.statusCode()).as(refresh.body()).isEqualTo(200);
        assertThat(roles(JSON.readTree(refresh.body()))).containsExactlyInAnyOrder("USER", "ADMIN");
    }

    @Test
    void aUserUserServiceNoLongerKnowsGetsInvalidGrant() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        JsonNode tokens = flow().signIn(user.email(), PASSWORD);

        USER_SERVICE.delete(user.id());
        HttpResponse<String> refresh =
                flow().refresh(tokens.get("refresh_token").asString());

        assertThat(refresh.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refresh.body()).get("error").asString()).isEqualTo("invalid_grant");
    }

    @Test
    void whileUserServiceIsDownARefreshFailsClosedWithAJsonErrorAndTheRefreshTokenSurvives() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        JsonNode tokens = flow().signIn(user.email(), PASSWORD);
        String refreshToken = tokens.get("refresh_token").asString();

        USER_SERVICE.stop();
        try {
            HttpResponse<String> refresh = flow().refresh(refreshToken);

            assertThat(refresh.statusCode()).isEqualTo(400);
            assertThat(refresh.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            JsonNode error = JSON.readTree(refresh.body());
            assertThat(error.get("error").asString()).isEqualTo("temporarily_unavailable");
            assertThat(error.has("access_token")).isFalse();
        } finally {
            USER_SERVICE.start();
        }
        // Not invalid_grant: the client keeps its refresh token, which works once user-service answers again.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() ->
                        assertThat(flow().refresh(refreshToken).statusCode()).isEqualTo(200));
    }

    @Test
    void aDeactivatedUserCannotSignIn() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        USER_SERVICE.change(user.id(), "DEACTIVATED", Set.of("USER"));

        HttpResponse<String> login = flow().login(user.email(), PASSWORD, Map.of());

        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/login?error"));
    }

    @Test
    void signInSendsUserServiceTheClientsAddressAsTheGatewayForwardedIt() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));

        flow().login(user.email(), "a wrong password", Map.of("X-Forwarded-For", "203.0.113.7"));
        flow().login(user.email(), "a wrong password", Map.of());

        var mine = USER_SERVICE.checks().stream()
                .filter(check -> check.get("email").asString().equals(user.email()))
                .toList();
        assertThat(mine).hasSize(2);
        assertThat(mine.get(0).get("address").asString())
                .as("behind the gateway (a trusted internal proxy): the client's address")
                .isEqualTo("203.0.113.7");
        assertThat(mine.get(1).get("address").asString())
                .as("a direct caller: its own address")
                .isEqualTo("127.0.0.1");
    }

    private CodeFlow flow() {
        return new CodeFlow(port);
    }

    private java.util.List<String> roles(JsonNode tokens) {
        Jwt access = OAuthHttp.accessTokens("http://127.0.0.1:" + port + "/oauth2/jwks")
                .decode(tokens.get("access_token").asString());
        return access.getClaimAsStringList("roles");
    }
}
