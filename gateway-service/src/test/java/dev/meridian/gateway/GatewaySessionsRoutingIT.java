package dev.meridian.gateway;

import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.TokenIssuer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * auth-service's sessions API through the gateway: {@code /api/sessions/**} and the sessions under
 * {@code /api/admin/users/{id}} go to auth-service with the token, need a token at the edge, and nothing else of
 * {@code /api/admin} or {@code /api/users} is taken from its owner.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"eureka.client.enabled=false", "management.server.port=0"})
@RealInfrastructure(REDIS)
class GatewaySessionsRoutingIT {

    private static final TokenIssuer ISSUER = TokenIssuer.start(Edge.ISSUER);
    private static final Backend USERS = Backend.start("user-service");
    private static final Backend AUTH = Backend.start("auth-service");

    @LocalServerPort
    int port;

    Edge edge;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        String instances = "spring.cloud.discovery.client.simple.instances.";
        registry.add(instances + "user-service[0].uri", USERS::uri);
        registry.add(instances + "auth-service[0].uri", AUTH::uri);
        registry.add("meridian.gateway.jwt.issuer", ISSUER::issuer);
        registry.add("meridian.gateway.jwt.jwk-set-uri", ISSUER::jwkSetUri);
    }

    @BeforeEach
    void healthyBackends() {
        edge = new Edge(port, ISSUER);
        for (Backend backend : List.of(USERS, AUTH)) {
            backend.answerWith(200);
            backend.forget();
        }
    }

    @AfterAll
    static void stopBackends() {
        List.of(USERS, AUTH).forEach(Backend::close);
    }

    @Test
    void routesTheSessionsApiToAuthServiceWithTheToken() {
        String token = edge.userToken("web", UUID.randomUUID().toString());
        String user = UUID.randomUUID().toString();

        List<HttpResponse<String>> answers = List.of(
                edge.get("/api/sessions", token),
                edge.send(edge.request("/api/sessions/abc", token).DELETE()),
                edge.send(edge.request("/api/sessions?keepCurrent=true", token).DELETE()),
                edge.get("/api/admin/users/" + user + "/sessions", token),
                edge.send(edge.request("/api/admin/users/" + user + "/sessions/abc", token)
                        .DELETE()));

        assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(200));
        assertThat(AUTH.received())
                .extracting(Backend.Received::method, Backend.Received::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("GET", "/api/sessions"),
                        org.assertj.core.groups.Tuple.tuple("DELETE", "/api/sessions/abc"),
                        org.assertj.core.groups.Tuple.tuple("DELETE", "/api/sessions"),
                        org.assertj.core.groups.Tuple.tuple("GET", "/api/admin/users/" + user + "/sessions"),
                        org.assertj.core.groups.Tuple.tuple("DELETE", "/api/admin/users/" + user + "/sessions/abc"));
        assertThat(AUTH.received().getFirst().headers().entrySet().stream()
                        .filter(header -> header.getKey().equalsIgnoreCase("Authorization"))
                        .map(header -> header.getValue().getFirst()))
                .containsExactly("Bearer " + token);
        assertThat(USERS.count()).isZero();
    }

    @Test
    void theSessionsApiNeedsATokenAtTheEdge() {
        HttpResponse<String> mine = edge.get("/api/sessions", null);
        HttpResponse<String> admin = edge.get("/api/admin/users/" + UUID.randomUUID() + "/sessions", null);

        assertThat(mine.statusCode()).isEqualTo(401);
        assertThat(mine.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(admin.statusCode()).isEqualTo(401);
        assertThat(AUTH.count()).as("nothing reached auth-service").isZero();
    }

    @Test
    void nothingElseUnderAdminOrUsersGoesToAuthService() {
        String token = edge.userToken("web", UUID.randomUUID().toString());
        String user = UUID.randomUUID().toString();

        HttpResponse<String> adminUser = edge.get("/api/admin/users/" + user, token);
        HttpResponse<String> adminOther = edge.get("/api/admin/users/" + user + "/sessionsx", token);
        HttpResponse<String> users = edge.get("/api/users/" + user + "/sessions", token);

        assertThat(adminUser.statusCode()).isEqualTo(404);
        assertThat(adminOther.statusCode()).isEqualTo(404);
        assertThat(users.statusCode()).isEqualTo(200);
        assertThat(USERS.received())
                .extracting(Backend.Received::path)
                .containsExactly("/api/users/" + user + "/sessions");
        assertThat(AUTH.count()).isZero();
    }

    @Test
    void theSecondStepOfSignInGoesToAuthServiceWithoutAToken() {
        HttpResponse<String> page = edge.get("/login/second-factor", null);
        HttpResponse<String> code = edge.send(edge.request("/login/second-factor", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("code=123456")));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(code.statusCode()).isEqualTo(200);
        assertThat(AUTH.received())
                .extracting(Backend.Received::method, Backend.Received::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("GET", "/login/second-factor"),
                        org.assertj.core.groups.Tuple.tuple("POST", "/login/second-factor"));
    }
}
