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
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/** The two-level cache against a real Redis that goes away and comes back, with a short Redis timeout. */
class TwoLevelCacheTest {

    private static final String CHANNEL = "test-evictions";
    private static final Duration CHANNEL_SILENCE = Duration.ofSeconds(3);

    private final StoppableRedis redis = new StoppableRedis();
    private final Cache shared = shared(redis.connections());
    private final TwoLevelCache cache = twoLevel(shared);
    private final RedisMessageListenerContainer evictions = listening(cache);

    @AfterEach
    void stop() throws Exception {
        evictions.destroy();
        redis.close();
    }

    @Test
    void whileRedisIsDownReadsAreAnsweredLocallyOrMissFastAndNothingThrows() {
        hearsItsHeartbeat(cache);
        cache.put("ada", "Ada");
        redis.stop();

        long started = System.nanoTime();
        // Within the channel's silence bound the local copy still answers.
        assertThat(cache.get("ada").get()).isEqualTo("Ada");
        assertThat(cache.get("grace")).isNull();
        assertThat(cache.get("grace", () -> "Grace from the database")).isEqualTo("Grace from the database");
        assertThatCode(() -> cache.evict("ada")).doesNotThrowAnyException();
        assertThat(cache.get("ada")).isNull();
        for (int i = 0; i < 20; i++) {
            cache.get("linus");
        }
        // With Redis stopped a command fails at once or after Redis's timeout (500 ms) once; the rest leave Redis
        // alone for a second.
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2_000);
    }

    @Test
    void aLocalCopyIsNotUsedWhileEvictionsCannotReachThisInstanceAndIsGoneWhenTheyCanAgain() throws Exception {
        TwoLevelCache other = twoLevel(shared(redis.connections()));
        RedisMessageListenerContainer otherEvictions = listening(other);
        try {
            hearsItsHeartbeat(cache);
            hearsItsHeartbeat(other);
            other.put("ada", "Ada, version 1");
            redis.stop();
            // The change another instance makes meanwhile cannot be told to this one.
            cache.evict("ada");

            await().atMost(Duration.ofSeconds(10)).until(() -> !other.hearsEvictions());
            assertThat(other.get("ada")).as("a local copy nobody could evict").isNull();
            assertThat(other.get("ada", () -> "Ada, version 2 from the database"))
                    .isEqualTo("Ada, version 2 from the database");
            assertThat(other.get("ada")).as("not kept locally while unheard").isNull();

            redis.start();
            hearsItsHeartbeat(other);
            assertThat(other.get("ada"))
                    .as("the local level starts empty after the silence")
                    .isNull();
            other.put("ada", "Ada, version 2");
            assertThat(other.get("ada").get()).isEqualTo("Ada, version 2");
        } finally {
            otherEvictions.destroy();
        }
    }

    /** Sends heartbeats (the scheduled once-a-second task) until the cache hears its own back. */
    private static void hearsItsHeartbeat(TwoLevelCache cache) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    cache.retryEvictionsQuietly();
                    return cache.hearsEvictions();
                });
    }

    private TwoLevelCache twoLevel(Cache shared) {
        return new TwoLevelCache(
                new CaffeineCache("users", Caffeine.newBuilder().build(), false),
                shared,
                redis.template(),
                CHANNEL,
                CHANNEL_SILENCE,
                new SimpleMeterRegistry());
    }

    private RedisMessageListenerContainer listening(TwoLevelCache cache) {
        var container = new RedisMessageListenerContainer();
        container.setConnectionFactory(redis.connections());
        container.setRecoveryInterval(200);
        container.addMessageListener(
                (message, pattern) -> cache.evictedElsewhere(new String(message.getBody())), new ChannelTopic(CHANNEL));
        container.afterPropertiesSet();
        container.start();
        return container;
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
