package dev.meridian.auth.secondfactor;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Wrong second-factor codes per account, in Redis (every instance sees them), the way user-service's login throttle
 * counts passwords: {@code freeFailures} within the window, then a lock that doubles with each further failure up to
 * the maximum. Whoever types codes here already has the password, so the account (not the address) is what is
 * guarded: a million guesses at a 6-digit code would otherwise take minutes. A locked challenge checks no code at all.
 */
@Component
class CodeThrottle {

    private static final String PREFIX = "meridian:auth:second-factor:";

    /** KEYS: failures, lock; ARGV: window, free failures, first and maximum lock (ms). */
    private static final RedisScript<Long> FAIL = RedisScript.of("""
            local window, free = tonumber(ARGV[1]), tonumber(ARGV[2])
            local first, max = tonumber(ARGV[3]), tonumber(ARGV[4])
            local count = redis.call('INCR', KEYS[1])
            redis.call('PEXPIRE', KEYS[1], window)
            if count >= free then
              local lock = math.min(first * 2 ^ math.min(count - free, 30), max)
              redis.call('SET', KEYS[2], '1', 'PX', math.floor(lock))
            end
            return count
            """, Long.class);

    private final StringRedisTemplate redis;
    private final SecondFactorSettings settings;

    CodeThrottle(StringRedisTemplate redis, SecondFactorSettings settings) {
        this.redis = redis;
        this.settings = settings;
    }

    /** How long the challenge of {@code user} stays locked; zero when it is open. */
    Duration lockedFor(UUID user) {
        Long ttl = redis.getExpire(PREFIX + "lock:" + user, TimeUnit.MILLISECONDS);
        return ttl == null || ttl <= 0 ? Duration.ZERO : Duration.ofMillis(ttl);
    }

    void failed(UUID user) {
        redis.execute(
                FAIL,
                List.of(PREFIX + "failures:" + user, PREFIX + "lock:" + user),
                String.valueOf(settings.failureWindow().toMillis()),
                String.valueOf(settings.freeFailures()),
                String.valueOf(settings.firstLock().toMillis()),
                String.valueOf(settings.maxLock().toMillis()));
    }

    /** A right code clears the count: failures spread over days do not add up to a lock. */
    void succeeded(UUID user) {
        redis.delete(List.of(PREFIX + "failures:" + user, PREFIX + "lock:" + user));
    }
}
