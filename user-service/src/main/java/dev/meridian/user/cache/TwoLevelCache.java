package dev.meridian.user.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Callable;
import org.springframework.cache.Cache;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A cache in two levels: {@code local} in this instance (Caffeine), {@code shared} by every instance (Redis). A
 * read tries local, then shared, then loads. An eviction clears both and tells the other instances, over Redis
 * pub/sub, to clear their local copy, so no instance serves a stale value after a change.
 */
class TwoLevelCache extends AbstractValueAdaptingCache {

    private final Cache local;
    private final Cache shared;
    private final StringRedisTemplate redis;
    private final String channel;
    private final Counter localHits;
    private final Counter sharedHits;
    private final Counter misses;

    TwoLevelCache(Cache local, Cache shared, StringRedisTemplate redis, String channel, MeterRegistry meters) {
        super(false);
        this.local = local;
        this.shared = shared;
        this.redis = redis;
        this.channel = channel;
        this.localHits = counter(meters, "local", "hit");
        this.sharedHits = counter(meters, "shared", "hit");
        this.misses = counter(meters, "both", "miss");
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
        Cache.ValueWrapper value = local.get(key);
        if (value != null) {
            localHits.increment();
            return toStoreValue(value.get());
        }
        value = shared.get(key);
        if (value != null) {
            sharedHits.increment();
            local.put(key, value.get());
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

    @Override
    public void put(Object key, Object value) {
        shared.put(key, value);
        local.put(key, value);
    }

    @Override
    public void evict(Object key) {
        shared.evict(key);
        local.evict(key);
        redis.convertAndSend(channel, String.valueOf(key));
    }

    @Override
    public void clear() {
        shared.clear();
        local.clear();
        redis.convertAndSend(channel, "*");
    }

    /** Another instance changed {@code key}: forget the local copy (it reads the shared level next time). */
    void evictedElsewhere(String key) {
        if ("*".equals(key)) {
            local.clear();
        } else {
            local.evict(key);
        }
    }
}
