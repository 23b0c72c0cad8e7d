package dev.meridian.notification.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How this resource server checks access tokens: issued by {@code issuer} (auth-service's public URL through the
 * gateway), meant for {@code audience}, signed by a key from {@code jwkSetUri}, allowing {@code clockSkew}.
 */
@ConfigurationProperties("meridian.security.jwt")
@Validated
record JwtSettings(
        @NotNull URI issuer,
        @NotBlank String audience,
        @NotNull URI jwkSetUri,
        @DefaultValue("30s") Duration clockSkew) {}
