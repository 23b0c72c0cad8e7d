package dev.meridian.starters.resourceserver;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code meridian.resource-server}: what Boot's {@code spring.security.oauth2.resourceserver.jwt.*} has no property
 * for. {@code clockSkew}: how far {@code exp} and {@code nbf} may be off (Boot's default validator allows 60 s; the
 * platform allows 30 s, the gateway refuses more than 60 s). {@code verifiedTokenCacheTime}: how long a token that
 * passed every check is trusted again without a new signature check (0: not at all), at most
 * {@code verifiedTokenCacheSize} of them. {@code openPaths}: probes, docs and the error page, open to anyone.
 * {@code jwksOutageTolerance}: how long after it was fetched the issuer's JWKS is still used while the issuer cannot be
 * reached ({@link LastKnownKeys}; 0: not at all) — a day outlasts any outage an operator lets run, and is far shorter
 * than a signing key lives.
 */
@ConfigurationProperties("meridian.resource-server")
@Validated
public record ResourceServerProperties(
        @DefaultValue("true") boolean enabled,

        @DefaultValue("30s") @NotNull @DurationMin(seconds = 0) @DurationMax(seconds = 60)
        Duration clockSkew,

        @DefaultValue("0s") @NotNull @DurationMin(seconds = 0) @DurationMax(minutes = 10)
        Duration verifiedTokenCacheTime,

        @DefaultValue("10000") @Positive long verifiedTokenCacheSize,

        @DefaultValue({"/actuator/**", "/livez", "/readyz", "/v3/api-docs/**", "/swagger-ui/**", "/error"}) @NotEmpty
        List<@NotBlank String> openPaths,

        @DefaultValue("24h") @NotNull @DurationMin(seconds = 0)
        Duration jwksOutageTolerance) {}
