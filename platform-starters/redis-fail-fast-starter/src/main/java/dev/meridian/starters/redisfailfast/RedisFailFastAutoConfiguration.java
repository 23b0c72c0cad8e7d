package dev.meridian.starters.redisfailfast;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Lettuce, as Boot configures it, queues a command while its connection is down and lets it wait out its whole
 * command timeout; it reconnects with a back-off up to 30 s. So every call to a Redis that was just killed waits the
 * timeout — the gateway's rate-limit checks stalled for ~10 s (spring-cloud-gateway#1634/#3373), and user-service's
 * credentials check waited its 2 s Redis timeout while auth-service gave up after 1.8 s (the fault run's "redis
 * down"). Here a command while disconnected is rejected at once, so the caller's fallback (local buckets, the
 * in-memory throttle, the database) answers without delay, and reconnection attempts are at most a second apart, so
 * Redis takes back over quickly. A Redis that is reachable but stalls still costs the command timeout.
 *
 * <p>Off with {@code meridian.redis.fail-fast.enabled=false}.
 */
@AutoConfiguration(before = DataRedisAutoConfiguration.class)
@ConditionalOnClass(ClientOptions.class)
@ConditionalOnProperty(prefix = "meridian.redis.fail-fast", name = "enabled", matchIfMissing = true)
public class RedisFailFastAutoConfiguration {

    @Bean
    LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
        return options -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }

    @Bean
    ClientResourcesBuilderCustomizer reconnectWithinASecond() {
        return resources -> resources.reconnectDelay(
                Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
    }
}
