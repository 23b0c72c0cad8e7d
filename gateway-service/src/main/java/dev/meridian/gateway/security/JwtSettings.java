package dev.meridian.gateway.security;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway checks access tokens at the edge: issued by {@code issuer} (its own public URL, where auth-service
 * is reached), meant for one of {@code audiences} (the resources behind it; each service checks its own again),
 * signed by a key from {@code jwkSetUri} ({@code lb://auth-service/...} resolves through discovery). A token that
 * validated is trusted again without a new signature check for at most {@code verifiedTokenCacheTime}.
 */
@ConfigurationProperties("meridian.gateway.jwt")
@Validated
public record JwtSettings(
        @NotNull URI issuer,
        @NotEmpty Set<String> audiences,
        @NotNull URI jwkSetUri,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue("2m") Duration verifiedTokenCacheTime) {}
