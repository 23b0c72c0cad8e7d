package dev.meridian.starters.accesstoken;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;

/**
 * Contributes the {@code typ} check every Meridian resource server's {@code JwtDecoder} includes (contract C4): Spring Security's {@link JwtTypeValidator} for the types of
 * {@link AccessTokenProperties}, missing {@code typ} refused. Spring Security 7's Nimbus decoders no longer check
 * {@code typ} themselves, and its default validator would accept {@code JWT} (an ID token) rather than require
 * {@code at+jwt}.
 */
@AutoConfiguration
@ConditionalOnClass(JwtTypeValidator.class)
@EnableConfigurationProperties(AccessTokenProperties.class)
public final class AccessTokenTypeAutoConfiguration {

    static final String VALIDATOR = "accessTokenTypeValidator";

    @Bean(VALIDATOR)
    @ConditionalOnMissingBean(name = VALIDATOR)
    OAuth2TokenValidator<Jwt> accessTokenTypeValidator(AccessTokenProperties settings) {
        return new JwtTypeValidator(settings.types());
    }
}
