package dev.meridian.user.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.meridian.user.account.UserAccounts;
import dev.meridian.user.account.UserView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCache;
import org.springframework.cache.support.SimpleCacheManager;
import org.springframework.cache.transaction.TransactionAwareCacheManagerProxy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.JacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code users} cache: Caffeine in front of Redis. Evictions wait for the transaction to commit, so a reader
 * cannot put the old row back between the eviction and the commit.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
class CacheConfiguration {

    static final String EVICTIONS_CHANNEL = "meridian:user-service:cache-evictions";

    @Bean
    TwoLevelCache usersCache(
            CacheSettings settings,
            RedisConnectionFactory redis,
            StringRedisTemplate redisTemplate,
            JsonMapper json,
            MeterRegistry meters) {
        var caffeine = Caffeine.newBuilder()
                .maximumSize(settings.localMaximumSize())
                .expireAfterWrite(settings.localTimeToLive())
                .recordStats()
                .<Object, Object>build();
        CaffeineCacheMetrics.monitor(meters, caffeine, UserAccounts.CACHE, List.of());
        var local = new CaffeineCache(UserAccounts.CACHE, caffeine, false);
        var shared = RedisCacheManager.builder(redis)
                .cacheDefaults(RedisCacheConfiguration.defaultCacheConfig()
                        // v2: UserView gained emailVerified; entries of the earlier shape are not read as unverified.
                        .prefixCacheNameWith("meridian:user-service:v2:")
                        .entryTtl(settings.sharedTimeToLive())
                        .disableCachingNullValues()
                        .serializeValuesWith(SerializationPair.fromSerializer(
                                new JacksonJsonRedisSerializer<>(json, UserView.class))))
                .enableStatistics()
                .build()
                .getCache(UserAccounts.CACHE);
        return new TwoLevelCache(
                local, shared, redisTemplate, EVICTIONS_CHANNEL, settings.evictionsChannelSilence(), meters);
    }

    @Bean
    CacheManager cacheManager(TwoLevelCache usersCache) {
        var caches = new SimpleCacheManager();
        caches.setCaches(List.of(usersCache));
        caches.initializeCaches();
        return new TransactionAwareCacheManagerProxy(caches);
    }

    @Bean
    RedisMessageListenerContainer cacheEvictionListener(RedisConnectionFactory redis, TwoLevelCache usersCache) {
        var container = new RedisMessageListenerContainer();
        container.setConnectionFactory(redis);
        // Subscribe again within a second of Redis's return (5 s by default): the local level waits for it.
        container.setRecoveryInterval(1_000);
        container.addMessageListener(
                (message, pattern) -> usersCache.evictedElsewhere(new String(message.getBody())),
                new ChannelTopic(EVICTIONS_CHANNEL));
        return container;
    }

    /**
     * Local entries live briefly as a safety net should an eviction message be lost; Redis holds them longer. The
     * local level is used only while this instance heard its own once-a-second heartbeat on the evictions channel
     * within {@code evictionsChannelSilence}.
     */
    @ConfigurationProperties("meridian.cache.users")
    record CacheSettings(
            @DefaultValue("10000") long localMaximumSize,
            @DefaultValue("5m") Duration localTimeToLive,
            @DefaultValue("1h") Duration sharedTimeToLive,
            @DefaultValue("3s") Duration evictionsChannelSilence) {}
}
