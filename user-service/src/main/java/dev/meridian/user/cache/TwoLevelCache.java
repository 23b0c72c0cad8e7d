package dev.meridian.user.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.Cache;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * A cache in two levels: {@code local} in this instance (Caffeine), {@code shared} by every instance (Redis). A
 * read tries local, then shared, then loads. An eviction clears both and tells the other instances, over Redis
 * pub/sub, to clear their local copy, so no instance serves a stale value after a change.
 *
 * <p>Redis is a cache here, not a dependency: while it cannot be reached a read is answered from the local level or
 * the database, a put keeps the local copy only, and an eviction clears the local copy and is remembered, to be made
 * in Redis (and told to the other instances) as soon as Redis answers again — before this instance reads the shared
 * level again, and at the latest within a second — so a change made during the outage does not come back from the
 * shared level afterwards. The fault run saw every read of an uncached account fail while Redis was down.
 *
 * <p>The local level is used only while this instance is known to hear the other instances' evictions: it publishes
 * a heartbeat of its own on the evictions channel every second, and trusts its local copies only while it heard its
 * last heartbeat back within {@code channelSilence}. While Redis is down (or this instance's subscription is) no
 * eviction can reach it, so a local copy could be another instance's old version for as long as the outage lasts —
 * the fault run saw updates answered {@code 412} for a version the client had just read; reads then go to the
 * database instead. When the heartbeats are heard again the local level starts empty: evictions published in the
 * silence were lost (pub/sub keeps nothing).
 */
class TwoLevelCache extends AbstractValueAdaptingCache {

    private static final Logger log = LoggerFactory.getLogger(TwoLevelCache.class);
    private static final String HEARTBEAT_PREFIX = "heartbeat:";

    private final Cache local;
    private final Cache shared;
    private final StringRedisTemplate redis;
    private final String channel;
    private final Counter localHits;
    private final Counter sharedHits;
    private final Counter misses;
    private final Counter unreachable;
    /** Evictions Redis did not take, to be made there when it answers again. */
    private final Set<String> unevicted = ConcurrentHashMap.newKeySet();
    /** A message no key can be (keys are account ids), naming this instance. */
    private final String heartbeat = HEARTBEAT_PREFIX + UUID.randomUUID();

    private final long channelSilenceMillis;
    /** When this instance last heard its own heartbeat on the channel (epoch ms); never, at first. */
    private volatile long heartbeatHeardAt;
    /**
     * After Redis failed a call, requests leave it alone until then (epoch ms): each call to an unreachable Redis
     * costs its command timeout, which every read would otherwise pay; the scheduled retry finds it back.
     */
    private volatile long sharedSkippedUntil;

    TwoLevelCache(
            Cache local,
            Cache shared,
            StringRedisTemplate redis,
            String channel,
            Duration channelSilence,
            MeterRegistry meters) {
        super(false);
        this.channelSilenceMillis = channelSilence.toMillis();
        this.local = local;
        this.shared = shared;
        this.redis = redis;
        this.channel = channel;
        this.localHits = counter(meters, "local", "hit");
        this.sharedHits = counter(meters, "shared", "hit");
        this.misses = counter(meters, "both", "miss");
        this.unreachable = counter(meters, "shared", "unreachable");
    }

    private Counter counter(MeterRegistry meters, String level, String result) {
        return Counter.builder("meridian.cache.gets")
                .description("Reads of the two-level cache, by the level that answered")
                .tag("cache", getName())
                .tag("level", level)
                .tag("result", result)
                .register(meters);
    }

    @Override
    public String getName() {
        return local.getName();
    }

    @Override
    public Object getNativeCache() {
        return this;
    }

    @Override
    protected Object lookup(Object key) {
        boolean localTrusted = hearsEvictions();
        Cache.ValueWrapper value = localTrusted ? local.get(key) : null;
        if (value != null) {
            localHits.increment();
            return toStoreValue(value.get());
        }
        value = sharedGet(key);
        if (value != null) {
            sharedHits.increment();
            if (localTrusted) {
                local.put(key, value.get());
            }
            return toStoreValue(value.get());
        }
        misses.increment();
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        Object stored = lookup(key);
        if (stored != null) {
            return (T) fromStoreValue(stored);
        }
        try {
            T value = valueLoader.call();
            put(key, value);
            return value;
        } catch (Exception e) {
            throw new ValueRetrievalException(key, valueLoader, e);
        }
    }

    /** The shared level's entry; none while Redis cannot be reached or an eviction of the key is still owed there. */
    private Cache.ValueWrapper sharedGet(Object key) {
        if (skippingShared()) {
            return null;
        }
        try {
            retryEvictions();
            return unevicted.contains(String.valueOf(key)) ? null : shared.get(key);
        } catch (RuntimeException redisUnreachable) {
            sharedFailed();
            return null;
        }
    }

    private boolean skippingShared() {
        return System.currentTimeMillis() < sharedSkippedUntil;
    }

    private void sharedFailed() {
        unreachable.increment();
        sharedSkippedUntil = System.currentTimeMillis() + 1_000;
    }

    @Override
    public void put(Object key, Object value) {
        if (hearsEvictions()) {
            local.put(key, value);
        }
        if (skippingShared() || unevicted.contains(String.valueOf(key))) {
            return; // an unevicted key: the shared level still holds the old value, which is cleared first
        }
        try {
            shared.put(key, value);
        } catch (RuntimeException redisUnreachable) {
            sharedFailed();
        }
    }

    @Override
    public void evict(Object key) {
        local.evict(key);
        unevicted.add(String.valueOf(key));
        if (skippingShared()) {
            return;
        }
        try {
            retryEvictions();
        } catch (RuntimeException redisUnreachable) {
            sharedFailed();
            log.warn("Redis did not take the eviction of a cached account; it is made when Redis answers again");
        }
    }

    /** Makes the evictions Redis has not taken yet; stops at the first it does not take (and throws). */
    void retryEvictions() {
        for (String key : unevicted) {
            shared.evict(key);
            redis.convertAndSend(channel, key);
            unevicted.remove(key);
        }
    }

    /** Whether this instance's own heartbeat came back over the channel lately: only then are local copies used. */
    boolean hearsEvictions() {
        return System.currentTimeMillis() - heartbeatHeardAt <= channelSilenceMillis;
    }

    /** Once a second: the evictions Redis still owes, then this instance's heartbeat. No caller to throw to. */
    @Scheduled(fixedDelay = 1_000)
    void retryEvictionsQuietly() {
        try {
            retryEvictions();
            redis.convertAndSend(channel, heartbeat);
        } catch (RuntimeException stillUnreachable) {
            sharedFailed();
        }
    }

    @Override
    public void clear() {
        shared.clear();
        local.clear();
        redis.convertAndSend(channel, "*");
    }

    /**
     * A message on the channel: another instance changed {@code key}, so the local copy goes (the shared level is read
     * next time); or a heartbeat — this instance's own proves the channel, and after a silence the local level
     * starts again empty.
     */
    void evictedElsewhere(String key) {
        if (key.startsWith(HEARTBEAT_PREFIX)) {
            if (key.equals(heartbeat)) {
                if (!hearsEvictions()) {
                    local.clear();
                    log.info("The cache's evictions channel is heard again; its local level starts empty");
                }
                heartbeatHeardAt = System.currentTimeMillis();
            }
        } else if ("*".equals(key)) {
            local.clear();
        } else {
            local.evict(key);
        }
    }
}
