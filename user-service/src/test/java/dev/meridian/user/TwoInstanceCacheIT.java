package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.testkit.ApiClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.json.JsonContent;

/**
 * Two instances of user-service sharing PostgreSQL and Redis, as behind the gateway: each has its own Caffeine
 * cache, so only the eviction message over Redis keeps the second from serving a user the first has changed.
 */
class TwoInstanceCacheIT extends RunningUserService {

    private static ConfigurableApplicationContext second;

    @Autowired
    Environment environment;

    @Autowired
    MeterRegistry meters;

    @Test
    void anUpdateOnOneInstanceIsSeenOnTheOtherOnceItsEvictionArrives() {
        var first = api;
        var other = new ApiClient("http://localhost:" + secondInstancePort());
        UUID id = signUpVerified(UUID.randomUUID() + "@example.com", "Before", "correct horse battery");
        String token = AccessTokens.user(id);

        // The other instance reads twice: the second read is served from its own local cache.
        assertThat(other.get("/api/users/" + id, token).body()).contains("Before");
        assertThat(other.get("/api/users/" + id, token).body()).contains("Before");
        // Version 1: the account as verification left it.
        assertThat(first.patch("/api/users/" + id, token, "\"1\"", "{\"name\": \"After\"}")
                        .statusCode())
                .isEqualTo(200);

        // The eviction reaches the other instance over Redis pub/sub, after the update's commit: milliseconds, not
        // synchronously with the PATCH's answer (seen here once under CI load), and well within the local entries'
        // safety-net lifetime. A read within that moment may still see the old version, never a later stale one.
        await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    var afterUpdate = other.get("/api/users/" + id, token);
                    assertThat(new JsonContent(afterUpdate.body()))
                            .extractingPath("$.name")
                            .asString()
                            .isEqualTo("After");
                    assertThat(afterUpdate.headers().firstValue("ETag")).hasValue("\"2\"");
                });
    }

    @Test
    void repeatedReadsAreServedByTheLocalLevelAndCounted() {
        UUID id = signUpVerified(UUID.randomUUID() + "@example.com", "Cached", "correct horse battery");
        double before = localHits();

        for (int i = 0; i < 5; i++) {
            assertThat(api.get("/api/users/" + id, AccessTokens.user(id)).statusCode())
                    .isEqualTo(200);
        }

        // Each read looks the account up twice, once as the caller (is it still active?) and once as the answer:
        // ten lookups, of which only the first misses.
        assertThat(localHits() - before).isEqualTo(9);
    }

    private double localHits() {
        return meters.get("meridian.cache.gets")
                .tag("cache", "users")
                .tag("level", "local")
                .counter()
                .count();
    }

    private int secondInstancePort() {
        if (second == null) {
            // Command-line arguments, as an operator starts an instance: they outrank application.yml.
            second = new SpringApplicationBuilder(UserApplication.class)
                    .run(
                            "--server.port=0",
                            "--eureka.client.enabled=false",
                            argument("spring.datasource.url"),
                            argument("spring.datasource.username"),
                            argument("spring.datasource.password"),
                            argument("spring.data.redis.url"),
                            argument("spring.kafka.bootstrap-servers"),
                            argument("spring.security.oauth2.resourceserver.jwt.issuer-uri"),
                            argument("spring.security.oauth2.resourceserver.jwt.jwk-set-uri"));
        }
        return ((WebServerApplicationContext) second).getWebServer().getPort();
    }

    private String argument(String property) {
        return "--" + property + "=" + environment.getProperty(property, "");
    }

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
        }
    }
}
