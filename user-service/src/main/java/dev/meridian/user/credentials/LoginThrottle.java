package dev.meridian.user.credentials;

import dev.meridian.user.account.EmailAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Slows down password guessing against one account. After {@code freeFailures} wrong passwords within
 * {@code window}, the email is locked for a back-off that doubles with each further failure, up to
 * {@code maxLock}. Counters live in Redis, so every instance sees them, and are kept for any email asked about,
 * existing or not: a locked answer says nothing about whether an account exists.
 */
@Component
class LoginThrottle {

    private final StringRedisTemplate redis;
    private final ThrottleSettings settings;

    LoginThrottle(StringRedisTemplate redis, ThrottleSettings settings) {
        this.redis = redis;
        this.settings = settings;
    }

    /** How long the email is still locked, if it is. */
    Optional<Duration> lockedFor(EmailAddress email) {
        Long seconds = redis.getExpire(lockKey(email));
        return seconds != null && seconds > 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
    }

    void failed(EmailAddress email) {
        String failures = failuresKey(email);
        Long count = redis.opsForValue().increment(failures);
        redis.expire(failures, settings.window());
        if (count != null && count >= settings.freeFailures()) {
            long doublings = Math.min(count - settings.freeFailures(), 20);
            Duration lock = settings.firstLock().multipliedBy(1L << doublings);
            redis.opsForValue()
                    .set(lockKey(email), "1", lock.compareTo(settings.maxLock()) > 0 ? settings.maxLock() : lock);
        }
    }

    void succeeded(EmailAddress email) {
        redis.delete(failuresKey(email));
    }

    private static String failuresKey(EmailAddress email) {
        return "meridian:user-service:login-failures:" + digest(email);
    }

    private static String lockKey(EmailAddress email) {
        return "meridian:user-service:login-lock:" + digest(email);
    }

    /** Emails are personal data: Redis sees only their hash. */
    private static String digest(EmailAddress email) {
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256").digest(email.value().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @ConfigurationProperties("meridian.login-throttle")
    record ThrottleSettings(
            @DefaultValue("5") int freeFailures,
            @DefaultValue("15m") Duration window,
            @DefaultValue("1s") Duration firstLock,
            @DefaultValue("15m") Duration maxLock) {}
}
