package dev.meridian.starters.redisfailfast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meridian.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Against a real Redis of the test's own that it stops and starts: with the starter a command to the stopped server
 * fails at once and the client is back within seconds of the restart; without it, the same command waits out its
 * five-second timeout.
 */
class RedisFailFastAutoConfigurationTest {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final RedisServer redis = RedisServer.startEmbedded();
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(RedisFailFastAutoConfiguration.class, DataRedisAutoConfiguration.class))
            .withPropertyValues(
                    "spring.data.redis.url=" + redis.url(),
                    "spring.data.redis.timeout=" + COMMAND_TIMEOUT.toMillis() + "ms");

    @AfterEach
    void stop() {
        try {
            redis.stop();
        } catch (RuntimeException alreadyStopped) {
            // the test stopped it
        }
    }

    @Test
    void aCommandToAStoppedRedisFailsAtOnceAndTheClientReconnectsSoonAfterItReturns() {
        runner.run(context -> {
            var template = context.getBean(StringRedisTemplate.class);
            template.opsForValue().set("before", "1");

            redis.stop();
            // Lettuce learns of the closed connection asynchronously; from then on nothing waits.
            await().atMost(Duration.ofSeconds(5)).until(() -> failsWithin(template, Duration.ofMillis(500)));

            redis.start();
            long restarted = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
                template.opsForValue().set("after", "1");
                return true;
            });
            assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isLessThan(Duration.ofSeconds(3));
        });
    }

    @Test
    void withoutItACommandToAStoppedRedisWaitsOutItsTimeout() {
        runner.withPropertyValues("meridian.redis.fail-fast.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(LettuceClientOptionsBuilderCustomizer.class);
            var template = context.getBean(StringRedisTemplate.class);
            template.opsForValue().set("before", "1");

            redis.stop();
            long started = System.nanoTime();
            assertThatThrownBy(() -> template.opsForValue().get("before")).isInstanceOf(DataAccessException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(COMMAND_TIMEOUT.minusSeconds(1));
        });
    }

    private static boolean failsWithin(StringRedisTemplate template, Duration bound) {
        long started = System.nanoTime();
        try {
            template.opsForValue().get("before");
            return false;
        } catch (DataAccessException rejected) {
            return Duration.ofNanos(System.nanoTime() - started).compareTo(bound) < 0;
        }
    }
}
