package dev.meridian.user.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How this resource server checks access tokens: issued by {@code issuer} (the public URL of auth-service through
 * the gateway), meant for {@code audience}, signed by a key from {@code jwkSetUri}. A token that validated is
 * trusted again without a new signature check for at most {@code verifiedTokenCacheTime}.
 */
@ConfigurationProperties("meridian.security.jwt")
@Validated
public record JwtSettings(
        @NotNull URI issuer,
        @NotBlank String audience,
        @NotNull URI jwkSetUri,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue("2m") Duration verifiedTokenCacheTime) {}
