package dev.meridian.user;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.ApiClient;
import dev.meridian.testkit.RedisServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.json.JsonContent;

/**
 * A failure nobody planned for: Redis, which the login throttle needs, goes away while the service runs. The credentials check then
 * fails with a 500 — a problem with a trace id, no exception class, no stack trace.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // Lettuce holds commands while it reconnects; give up after 2 s rather than the default minute.
        properties = {"eureka.client.enabled=false", "spring.data.redis.timeout=2s"})
@dev.meridian.testkit.RealInfrastructure({POSTGRES, KAFKA})
class UnexpectedFailureIT {

    @LocalServerPort
    int port;

    /** This test's own Redis, stopped while the service runs. */
    private static final RedisServer REDIS = RedisServer.startEmbedded();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AccessTokens.register(registry);
        registry.add("spring.data.redis.url", REDIS::url);
    }

    @AfterAll
    static void stopRedis() {
        REDIS.stop();
    }

    @Test
    void anUnexpectedFailureIsA500ProblemWithATraceIdAndNothingInternal() {
        var api = new ApiClient("http://localhost:" + port);
        String traceId = ErrorProblemsIT.traceId();

        REDIS.stop();
        HttpResponse<String> response;
        try {
            response = ApiClient.send(api.request(
                            "/internal/credentials/verify",
                            AccessTokens.service("auth-service", "users.credentials.verify"))
                    .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"email\": \"a@example.com\", \"password\": \"whatever it is\"}")));
        } finally {
            REDIS.start();
        }

        ErrorProblemsIT.assertProblem(response, 500);
        assertThat(new JsonContent(response.body()))
                .extractingPath("$.traceId")
                .asString()
                .isEqualTo(traceId);
        assertThat(response.body()).doesNotContainIgnoringCase("redis").doesNotContain("Exception");
    }
}
