package dev.meridian.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.meridian.gateway.redis.RedisAvailability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Token buckets shared by every gateway instance through Redis (a Lua script, atomic; a busy key leases several
 * tokens per call, {@link Lease}), with a local bucket per key taking over when Redis fails or is slow
 * ({@link RedisAvailability}): limits are never lifted and Redis trouble never becomes an outage; Redis takes back
 * over as soon as it answers. While local, each instance admits a key's full rate, so N instances admit up to N times
 * the limit (logged when it happens, and visible as {@code meridian_gateway_redis_available}).
 */
@Component
class TokenBuckets {

    enum Store {
        REDIS,
        LOCAL
    }

    /** Whether a request is admitted, the whole tokens left, and how long until one would be. */
    record Decision(boolean allowed, long remaining, long retryAfterMillis, Store store) {}

    private static final String KEY_PREFIX = "meridian:rate-limit:";

    // The script's text, read once: built from a Resource, Spring checks the jar entry's last-modified time on every
    // call to decide whether to recompute its SHA (measured: docs/deviations.md).
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> SCRIPT = RedisScript.of(script("scripts/token_bucket.lua"), List.class);

    private final ReactiveStringRedisTemplate redis;
    private final RedisAvailability availability;
    private final RateLimitSettings settings;
    private final Cache<String, Lease> leases;
    private final Cache<String, LocalTokenBucket> local;

    TokenBuckets(ReactiveStringRedisTemplate redis, RedisAvailability availability, RateLimitSettings settings) {
        this.redis = redis;
        this.availability = availability;
        this.settings = settings;
        this.leases = Caffeine.newBuilder()
                .maximumSize(settings.localBuckets())
                .expireAfterAccess(Duration.ofMinutes(1))
                .build();
        this.local = Caffeine.newBuilder()
                .maximumSize(settings.localBuckets())
                .expireAfterAccess(Duration.ofMinutes(10))
                .build();
    }

    /**
     * Connects to Redis and loads the script before the first request, so that the first requests do not pay for the
     * connection within the 50 ms bound and fall back to local buckets for nothing. A Redis that does not answer now
     * is left to {@link RedisAvailability}'s probe: requests start on local buckets.
     */
    @EventListener(ApplicationReadyEvent.class)
    void warmUp() {
        redis.execute(SCRIPT, List.of(KEY_PREFIX + "warm-up"), List.of("1", "1", "0"))
                .next()
                .timeout(Duration.ofSeconds(2))
                .doOnError(availability::failed)
                .onErrorResume(e -> Mono.empty())
                .subscribe();
    }

    Mono<Decision> take(String key, RateLimitSettings.Limit limit) {
        long now = System.nanoTime();
        Lease lease = leases.get(key, k -> new Lease(settings.leaseTime().toNanos(), now));
        Decision withoutRedis = lease.take(now);
        if (withoutRedis != null) {
            return Mono.just(withoutRedis);
        }
        if (!availability.worthTrying()) {
            return Mono.just(takeLocally(key, limit, now));
        }
        int asked = lease.sizeToAsk(now, settings.maxLease(limit));
        return redis.execute(
                        SCRIPT,
                        List.of(KEY_PREFIX + key),
                        List.of(
                                Integer.toString(limit.replenishRate()),
                                Integer.toString(limit.burstCapacity()),
                                Integer.toString(Math.max(1, asked))))
                .next()
                .timeout(availability.timeout())
                .map(reply -> {
                    availability.answered();
                    return lease.granted(
                            asked, number(reply, 0), number(reply, 1), number(reply, 2), System.nanoTime());
                })
                .onErrorResume(e -> {
                    lease.notGranted(asked);
                    availability.failed(e);
                    return Mono.just(takeLocally(key, limit, System.nanoTime()));
                })
                // A client that went away before Redis answered must not leave the key asking forever.
                .doOnCancel(() -> lease.notGranted(asked));
    }

    private Decision takeLocally(String key, RateLimitSettings.Limit limit, long now) {
        // One second's worth at first, not the burst: the key may just have spent its burst in Redis, and a Redis
        // that flaps (at most once per retry interval) must not hand out a fresh burst each time it fails.
        return local.get(key, k -> new LocalTokenBucket(Math.min(limit.replenishRate(), limit.burstCapacity()), now))
                .take(limit, now);
    }

    private static String script(String path) {
        try {
            return new ClassPathResource(path).getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("The rate-limit script " + path + " is missing from the jar", e);
        }
    }

    private static long number(List<?> reply, int index) {
        return ((Number) reply.get(index)).longValue();
    }
}
