package dev.meridian.user.export;

import dev.meridian.user.onetime.OneTimeProblems.TooManyRequests;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * One export per user per {@code meridian.export.per-user}, across instances: a Redis key per user, set only if
 * absent, that expires with the period. An export fans out to three services, so a user (or a stolen token) asking
 * in a loop would multiply their load; the gateway's per-user bucket is far wider than this. Without Redis no
 * export starts (fail closed): the bound is the point.
 */
@Component
class ExportThrottle {

    private static final String PREFIX = "meridian:user-service:export:";
    private static final Logger log = LoggerFactory.getLogger(ExportThrottle.class);

    private final StringRedisTemplate redis;
    private final ExportSettings settings;

    ExportThrottle(StringRedisTemplate redis, ExportSettings settings) {
        this.redis = redis;
        this.settings = settings;
    }

    /** Takes the user's export for this period, or throws {@link TooManyRequests} with the time until the next. */
    void take(UUID user) {
        try {
            if (Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(PREFIX + user, "1", settings.perUser()))) {
                return;
            }
            Long left = redis.getExpire(PREFIX + user, TimeUnit.MILLISECONDS);
            Duration wait = left == null || left < 0 ? settings.perUser() : Duration.ofSeconds((left + 999) / 1000);
            throw new TooManyRequests("exports", wait);
        } catch (DataAccessException redisDown) {
            log.warn("Export throttle unavailable: {}", redisDown.getClass().getSimpleName());
            throw new ExportProblems.PartUnavailable("rate limit", settings.retryAfter());
        }
    }

    /** Gives the period back: an export that could not be gathered (a part unavailable) does not count. */
    void giveBack(UUID user) {
        try {
            redis.delete(PREFIX + user);
        } catch (DataAccessException redisDown) {
            log.warn("Export throttle unavailable: {}", redisDown.getClass().getSimpleName());
        }
    }
}
