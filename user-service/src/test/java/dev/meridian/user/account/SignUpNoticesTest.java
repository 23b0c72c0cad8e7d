package dev.meridian.user.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The existing-address notice against a real Redis, before and while it is down. */
class SignUpNoticesTest {

    private final RedisServer redis = RedisServer.startEmbedded();
    private final LettuceConnectionFactory connections = new LettuceConnectionFactory(
            new RedisStandaloneConfiguration(redis.host(), redis.port()),
            LettuceClientConfiguration.builder()
                    .commandTimeout(Duration.ofMillis(500))
                    .build());
    private final SignUpNotices notices = notices();

    private SignUpNotices notices() {
        connections.afterPropertiesSet();
        connections.start();
        var template = new StringRedisTemplate(connections);
        template.afterPropertiesSet();
        return new SignUpNotices(template, new SignUpSettings(false, Duration.ofHours(1)));
    }

    @AfterEach
    void stop() {
        connections.destroy();
        try {
            redis.stop();
        } catch (RuntimeException alreadyStopped) {
            // the test stopped it
        }
    }

    @Test
    void aNoticeIsDueOncePerIntervalAndWhileRedisIsDownNoneIsSentAndNothingThrows() {
        var ada = new EmailAddress("ada@example.com");
        assertThat(notices.due(ada)).isTrue();
        assertThat(notices.due(ada)).isFalse();
        assertThat(notices.pending(ada)).isTrue();

        redis.stop();

        assertThat(notices.due(new EmailAddress("grace@example.com"))).isFalse();
        assertThat(notices.pending(new EmailAddress("linus@example.com"))).isFalse();
    }
}
