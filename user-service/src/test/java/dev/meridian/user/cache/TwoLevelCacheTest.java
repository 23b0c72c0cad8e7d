package dev.meridian.user.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.meridian.user.StoppableRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;
import org.springframework.cache.caffeine.CaffeineCache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The two-level cache against a real Redis that goes away and comes back, with a short Redis timeout. */
class TwoLevelCacheTest {

    private final StoppableRedis redis = new StoppableRedis();
    private final Cache shared = shared(redis.connections());
    private final TwoLevelCache cache = new TwoLevelCache(
            new CaffeineCache("users", Caffeine.newBuilder().build(), false),
            shared,
            redis.template(),
            "test-evictions",
            new SimpleMeterRegistry());

    @AfterEach
    void stop() {
        redis.close();
    }

    @Test
    void whileRedisIsDownReadsAreAnsweredLocallyOrMissFastAndNothingThrows() {
        cache.put("ada", "Ada");
        redis.stop();

        long started = System.nanoTime();
        assertThat(cache.get("ada").get()).isEqualTo("Ada");
        assertThat(cache.get("grace")).isNull();
        assertThat(cache.get("grace", () -> "Grace from the database")).isEqualTo("Grace from the database");
        assertThatCode(() -> cache.evict("ada")).doesNotThrowAnyException();
        assertThat(cache.get("ada")).isNull();
        for (int i = 0; i < 20; i++) {
            cache.get("linus");
        }
        // One call pays Redis's timeout (500 ms); the rest leave Redis alone for a second.
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2_000);
    }

    @Test
    void anEvictionRedisDidNotTakeIsMadeThereWhenItAnswersAgain() {
        cache.put("ada", "Ada");
        redis.stop();
        cache.evict("ada");

        redis.start();
        // What the shared level would still hold had Redis kept its data (a partition rather than a restart); the
        // client reconnects in its own time, hence the waits.
        Cache before = shared(redis.connections());
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
            before.put("ada", "Ada before the change");
            return true;
        });
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
            cache.retryEvictionsQuietly();
            assertThat(shared.get("ada")).isNull();
        });

        assertThat(cache.get("ada")).isNull();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
            cache.put("ada", "Ada after the change");
            assertThat(shared.get("ada").get()).isEqualTo("Ada after the change");
        });
    }

    private static Cache shared(LettuceConnectionFactory connections) {
        return RedisCacheManager.builder(connections)
                .cacheDefaults(RedisCacheConfiguration.defaultCacheConfig().prefixCacheNameWith("test:"))
                .build()
                .getCache("users");
    }
}
