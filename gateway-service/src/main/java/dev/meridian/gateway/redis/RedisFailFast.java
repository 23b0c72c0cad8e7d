package dev.meridian.gateway.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * While Redis is unreachable, Lettuce by default queues commands until it reconnects, so every rate-limit check
 * would wait for its timeout (the ~10 s stalls of spring-cloud-gateway#1634/#3373). Rejected at once instead, the
 * local buckets decide without delay.
 */
@Configuration(proxyBeanMethods = false)
class RedisFailFast {

    @Bean
    LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
        // Replies stay on Lettuce's I/O thread (publishOnScheduler off, the default): moving each request's rest
        // to a scheduler thread was measured slower (docs/deviations.md).
        return options -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }

    /** Reconnection attempts at most a second apart (Lettuce backs off to 30 s), so Redis takes back over quickly. */
    @Bean
    ClientResourcesBuilderCustomizer reconnectWithinASecond() {
        return resources -> resources.reconnectDelay(
                Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
    }
}
