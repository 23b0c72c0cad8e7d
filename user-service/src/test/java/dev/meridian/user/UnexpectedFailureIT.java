package dev.meridian.user;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.ApiClient;
import dev.meridian.testkit.RedisServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.json.JsonContent;

/**
 * A failure the service now plans for: Redis, where the login throttle keeps its counters, goes away while the
 * service runs. The credentials check goes on — no 500 — with the throttle counting in this instance's memory, and
 * guessing still locks out: a 429 problem with {@code Retry-After} and the request's trace id.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "spring.data.redis.timeout=2s",
            // Long enough that the locked attempt below surely comes while the lock holds.
            "meridian.login-throttle.per-email-and-address.first-lock=30s"
        })
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
    void withoutRedisTheCredentialsCheckGoesOnAndGuessingStillLocksOut() {
        var api = new ApiClient("http://localhost:" + port);
        String body = "{\"email\": \"a@example.com\", \"password\": \"whatever it is\", \"address\": \"192.0.2.9\"}";

        REDIS.stop();
        HttpResponse<String> first;
        HttpResponse<String> locked;
        long lastAnsweredInMillis = 0;
        try {
            first = check(api, body, ErrorProblemsIT.traceId());
            for (int i = 0; i < 4; i++) {
                long started = System.nanoTime();
                assertThat(check(api, body, ErrorProblemsIT.traceId()).statusCode())
                        .isEqualTo(200);
                lastAnsweredInMillis =
                        Duration.ofNanos(System.nanoTime() - started).toMillis();
            }
            String traceId = ErrorProblemsIT.traceId();
            locked = check(api, body, traceId);
            assertThat(new JsonContent(locked.body()))
                    .extractingPath("$.traceId")
                    .asString()
                    .isEqualTo(traceId);
        } finally {
            REDIS.start();
        }

        assertThat(first.statusCode()).as("not a 500: " + first.body()).isEqualTo(200);
        assertThat(new JsonContent(first.body()))
                .extractingPath("$.verified")
                .asBoolean()
                .isFalse();
        assertThat(lastAnsweredInMillis)
                .as("after the first failure Redis is left alone: no command timeout per check")
                .isLessThan(1_500);
        ErrorProblemsIT.assertProblem(locked, 429);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        assertThat(locked.body()).doesNotContainIgnoringCase("redis").doesNotContain("Exception");
    }

    private static HttpResponse<String> check(ApiClient api, String body, String traceId) {
        return ApiClient.send(api.request(
                        "/internal/credentials/verify",
                        AccessTokens.service("auth-service", "users.credentials.verify"))
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
