package dev.meridian.user.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meridian.user.StoppableRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The login throttle against a real Redis, and without it: the same rules from this instance's memory. */
class LoginThrottleTest {

    private static final String EMAIL = "ada@example.com";
    private static final String ADDRESS = "192.0.2.7";

    private final StoppableRedis redis = new StoppableRedis();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MovableClock clock = new MovableClock();
    private final LoginThrottle throttle = new LoginThrottle(redis.template(), settings(), meters, clock);

    @AfterEach
    void stop() {
        redis.close();
    }

    @Test
    void withRedisGuessingLocksTheEmailFromThatAddress() {
        failTimes(3);

        assertThatThrownBy(() -> throttle.admit(EMAIL, ADDRESS)).isInstanceOf(LoginThrottle.Locked.class);
        assertThatCode(() -> throttle.admit(EMAIL, "198.51.100.1")).doesNotThrowAnyException();
        assertThat(throttle.countingLocally()).isFalse();
    }

    @Test
    void withoutRedisASignInIsStillCheckedAndGuessingStillLocksOut() {
        redis.stop();

        assertThatCode(() -> throttle.admit(EMAIL, ADDRESS))
                .as("no Redis is no reason to refuse a sign-in")
                .doesNotThrowAnyException();
        assertThat(throttle.countingLocally()).isTrue();
        failTimes(3);

        long started = System.nanoTime();
        assertThatThrownBy(() -> throttle.admit(EMAIL, ADDRESS))
                .isInstanceOf(LoginThrottle.Locked.class)
                .satisfies(locked -> assertThat(((LoginThrottle.Locked) locked).retryAfter())
                        .isPositive()
                        .isLessThanOrEqualTo(Duration.ofSeconds(10)));
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("Redis is left alone after it failed")
                .isLessThan(Duration.ofMillis(200));
        assertThatCode(() -> throttle.admit(EMAIL, "198.51.100.1"))
                .as("another address is not locked out")
                .doesNotThrowAnyException();
        assertThat(meters.get("meridian.login_throttle.local").counter().count())
                .isGreaterThan(0);

        // The attempt made while locked counted too: 4 failures, locked for 20 s.
        clock.advance(Duration.ofSeconds(21));
        assertThatCode(() -> throttle.admit(EMAIL, ADDRESS))
                .as("the lock runs out")
                .doesNotThrowAnyException();
        throttle.failed(EMAIL, ADDRESS);
        assertThatThrownBy(() -> throttle.admit(EMAIL, ADDRESS))
                .as("one more failure locks again, for longer")
                .isInstanceOf(LoginThrottle.Locked.class)
                .satisfies(locked ->
                        assertThat(((LoginThrottle.Locked) locked).retryAfter()).isGreaterThan(Duration.ofSeconds(20)));
    }

    @Test
    void withoutRedisTheRightPasswordStartsTheEmailsCountAgainButNotALockInForce() {
        redis.stop();
        failTimes(2);
        throttle.succeeded(EMAIL, ADDRESS);
        failTimes(2);
        assertThatCode(() -> throttle.admit(EMAIL, ADDRESS)).doesNotThrowAnyException();

        throttle.failed(EMAIL, ADDRESS);
        throttle.succeeded(EMAIL, ADDRESS);
        assertThatThrownBy(() -> throttle.admit(EMAIL, ADDRESS)).isInstanceOf(LoginThrottle.Locked.class);
    }

    @Test
    void aLockMadeWithoutRedisHoldsAfterRedisAnswersAgainAndCountingGoesBackToRedis() {
        var throttle = new LoginThrottle(redis.template(), settings(Duration.ofMinutes(5)), meters, clock);
        redis.stop();
        for (int i = 0; i < 3; i++) {
            throttle.admit(EMAIL, ADDRESS);
            throttle.failed(EMAIL, ADDRESS);
        }

        redis.start();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !throttle.countingLocally());
        assertThatThrownBy(() -> throttle.admit(EMAIL, ADDRESS)).isInstanceOf(LoginThrottle.Locked.class);

        String other = "grace@example.com";
        for (int i = 0; i < 3; i++) {
            throttle.failed(other, ADDRESS);
        }
        assertThat(redis.template().keys("meridian:user-service:login:*:lock"))
                .as("counted in Redis again")
                .isNotEmpty();
    }

    private void failTimes(int times) {
        for (int i = 0; i < times; i++) {
            throttle.admit(EMAIL, ADDRESS);
            throttle.failed(EMAIL, ADDRESS);
        }
    }

    /** Per email and address: 3 free failures, then {@code firstLock} doubling; the other rules out of the way. */
    private static LoginThrottle.ThrottleSettings settings() {
        return settings(Duration.ofSeconds(10));
    }

    private static LoginThrottle.ThrottleSettings settings(Duration firstLock) {
        var loose = new LoginThrottle.Rule(1_000, Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofMinutes(1));
        return new LoginThrottle.ThrottleSettings(
                new LoginThrottle.Rule(3, Duration.ofMinutes(15), firstLock, Duration.ofMinutes(15)), loose, loose);
    }

    /** Real time, plus what a test skips over (locks in memory run out by this clock). */
    private static final class MovableClock extends Clock {

        private volatile Duration skipped = Duration.ZERO;

        void advance(Duration duration) {
            skipped = skipped.plus(duration);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(skipped);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
