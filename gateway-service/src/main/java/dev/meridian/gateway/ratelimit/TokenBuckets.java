package dev.meridian.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Token buckets shared by every gateway instance through Redis (one Lua script call per request, atomic), with a
 * local bucket per key taking over when Redis fails or is slower than {@code redisTimeout}: limits are never lifted
 * and Redis trouble never becomes an outage. After a failure the local buckets decide for
 * {@code redisRetryInterval}, then Redis is asked again and takes back over as soon as it answers. While local, each
 * instance admits a key's full rate, so N instances admit up to N times the limit (logged when it happens, and
 * visible as {@code meridian_gateway_rate_limit_redis_available}).
 */
@Component
class TokenBuckets {

    enum Store {
        REDIS,
        LOCAL
    }

    /** Whether a request is admitted, the whole tokens left, and how long until one would be. */
    record Decision(boolean allowed, long remaining, long retryAfterMillis, Store store) {}

    private static final Logger log = LoggerFactory.getLogger(TokenBuckets.class);
    private static final String KEY_PREFIX = "meridian:rate-limit:";

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> SCRIPT =
            RedisScript.of(new ClassPathResource("scripts/token_bucket.lua"), List.class);

    private final ReactiveStringRedisTemplate redis;
    private final Duration redisTimeout;
    private final long retryIntervalNanos;
    private final Cache<String, LocalTokenBucket> local;
    private final AtomicLong redisBackAt = new AtomicLong(System.nanoTime());
    private final AtomicBoolean redisDown = new AtomicBoolean();

    TokenBuckets(ReactiveStringRedisTemplate redis, RateLimitSettings settings, MeterRegistry meters) {
        this.redis = redis;
        this.redisTimeout = settings.redisTimeout();
        this.retryIntervalNanos = settings.redisRetryInterval().toNanos();
        this.local = Caffeine.newBuilder()
                .maximumSize(settings.localBuckets())
                .expireAfterAccess(Duration.ofMinutes(10))
                .build();
        meters.gauge("meridian.gateway.rate_limit.redis_available", redisDown, down -> down.get() ? 0 : 1);
    }

    Mono<Decision> take(String key, RateLimitSettings.Limit limit) {
        long now = System.nanoTime();
        if (redisDown.get() && now - redisBackAt.get() < 0) {
            return Mono.just(takeLocally(key, limit, now));
        }
        return redis.execute(
                        SCRIPT,
                        List.of(KEY_PREFIX + key),
                        List.of(Integer.toString(limit.replenishRate()), Integer.toString(limit.burstCapacity()), "1"))
                .next()
                .timeout(redisTimeout)
                .map(reply -> {
                    redisBack();
                    return new Decision(number(reply, 0) == 1, number(reply, 1), number(reply, 2), Store.REDIS);
                })
                .onErrorResume(e -> {
                    redisFailed(e);
                    return Mono.just(takeLocally(key, limit, System.nanoTime()));
                });
    }

    private Decision takeLocally(String key, RateLimitSettings.Limit limit, long now) {
        return local.get(key, k -> new LocalTokenBucket(limit.burstCapacity(), now))
                .take(limit, now);
    }

    private void redisFailed(Throwable e) {
        redisBackAt.set(System.nanoTime() + retryIntervalNanos);
        if (redisDown.compareAndSet(false, true)) {
            log.warn(
                    "Rate limits: Redis did not answer ({}); this instance's local buckets decide until it does",
                    e.toString());
        }
    }

    private void redisBack() {
        if (redisDown.compareAndSet(true, false)) {
            log.info("Rate limits: Redis answers again and decides for every instance");
        }
    }

    private static long number(List<?> reply, int index) {
        return ((Number) reply.get(index)).longValue();
    }
}
