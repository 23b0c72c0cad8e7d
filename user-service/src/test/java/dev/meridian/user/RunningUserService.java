package dev.meridian.user;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.meridian.events.EmailVerificationRequested;
import dev.meridian.testkit.ApiClient;
import dev.meridian.testkit.RealInfrastructure;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * user-service on a random port against real PostgreSQL, Redis and Kafka, trusting the tokens of
 * {@link AccessTokens}; tests talk to it over HTTP through {@link #api}. Test classes that extend this and ask for
 * nothing else share one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "eureka.client.enabled=false")
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
abstract class RunningUserService {

    @LocalServerPort
    int port;

    ApiClient api;

    /** To read what a user would find in their mailbox: the outbox events naming a request. */
    @Autowired
    JdbcClient jdbc;

    static final String MAILER = AccessTokens.service("notification-service", "users.mail-links");

    @DynamicPropertySource
    static void tokens(DynamicPropertyRegistry registry) {
        AccessTokens.register(registry);
    }

    @BeforeEach
    void client() {
        api = new ApiClient("http://localhost:" + port);
    }

    /** Signs up as a person does (202) and verifies the address with the mailed link; answers the account's id. */
    UUID signUpVerified(String email, String name, String password) {
        var response = api.post("/api/users", null, """
                {"email": %s, "name": %s, "password": %s}""".formatted(quoted(email), quoted(name), quoted(password)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        UUID id = accountId(email);
        String token = token(mailLink(requestId(id, EmailVerificationRequested.TYPE, "requestId")));
        var verified = api.post("/api/users/email-verification", null, "{\"token\": \"" + token + "\"}");
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(204);
        return id;
    }

    UUID accountId(String email) {
        return jdbc.sql("select id from users where email = ?")
                .param(email.strip().toLowerCase())
                .query(UUID.class)
                .single();
    }

    /** The request id named by the newest event of this type about the user (what the mailer reads). */
    String requestId(UUID userId, String type, String field) {
        String payload = jdbc.sql("select payload from outbox where user_id = ? and type = ? order by id desc limit 1")
                .param(userId)
                .param(type)
                .query(String.class)
                .single();
        return JsonPath.read(payload, "$." + field);
    }

    /** What notification-service fetches to mail: {@code {"link", "code", "expiresAt"}}. */
    String mailLink(String requestId) {
        var response = api.post("/internal/mail-links", MAILER, "{\"requestId\": \"" + requestId + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    static String token(String mailLink) {
        String link = JsonPath.read(mailLink, "$.link");
        return link.substring(link.indexOf("token=") + "token=".length());
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
