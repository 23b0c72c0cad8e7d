package dev.meridian.starters.accesstoken;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * A servlet resource server with Redis refuses revoked access tokens: keeps a copy of auth-service's revocation list
 * ({@link RevocationList}, kept current by {@link RedisRevocationListSync}) and contributes a
 * {@link RevocationListValidator} for its {@link JwtDecoder} to include. Off with
 * {@code meridian.revocation-list.enabled=false}; each bean gives way to one the application defines.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({JwtDecoder.class, RedisConnectionFactory.class})
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "meridian.revocation-list.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RevocationListProperties.class)
public final class RevocationListAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RevocationList revocationList(ObjectProvider<MeterRegistry> meters, RevocationListProperties settings) {
        return new RevocationList(
                Clock.systemUTC(), meters.getIfAvailable(SimpleMeterRegistry::new), settings.maxStaleness());
    }

    @Bean
    @ConditionalOnMissingBean
    RedisRevocationListSync revocationListSync(
            RedisConnectionFactory redis, RevocationList revocationList, RevocationListProperties settings) {
        return new RedisRevocationListSync(redis, revocationList, settings, Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean
    RevocationListValidator revocationListValidator(
            RevocationList revocationList, RedisRevocationListSync revocationListSync) {
        return new RevocationListValidator(revocationList, revocationListSync);
    }
}
