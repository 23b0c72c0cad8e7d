package dev.meridian.user.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.user.StoppableRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The existing-address notice against a real Redis, before and while it is down. */
class SignUpNoticesTest {

    private final StoppableRedis redis = new StoppableRedis();
    private final SignUpNotices notices =
            new SignUpNotices(redis.template(), new SignUpSettings(false, Duration.ofHours(1)));

    @AfterEach
    void stop() {
        redis.close();
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
