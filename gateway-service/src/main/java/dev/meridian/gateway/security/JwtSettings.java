package dev.meridian.gateway.security;

import dev.meridian.events.RevokedAccessTokens;
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
 * validated is trusted again without a new signature check for at most {@code verifiedTokenCacheTime}. The clock skew
 * may not exceed how long revoked tokens stay on the revocation list past their expiry, or a revoked token would be
 * accepted again for the difference. The in-memory copy of the revocation list is re-read from Redis every
 * {@code revocationResyncInterval}, which bounds how long an announcement this instance missed goes unheard; every
 * {@code revocationHeartbeatInterval} the gateway proves its subscription live by hearing a message of its own
 * ({@link LocalRevocationList}). While neither Redis nor a complete copy can tell, the copy still judges tokens alone
 * for {@code revocationMaxStaleness} after it was last known current, then refuses what it does not hold
 * ({@link RevocationCheck}). A token
 * naming a key the cached JWKS does not hold makes the gateway fetch the set again, at most once per
 * {@code jwkSetMinRefreshInterval} ({@link JwkSetFetches}).
 */
@ConfigurationProperties("meridian.gateway.jwt")
@Validated
public record JwtSettings(
        @NotNull URI issuer,
        @NotEmpty Set<String> audiences,
        @NotNull URI jwkSetUri,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue("2m") Duration verifiedTokenCacheTime,
        @DefaultValue("30s") Duration revocationResyncInterval,
        @DefaultValue("1s") Duration revocationHeartbeatInterval,
        @DefaultValue("60s") Duration revocationMaxStaleness,
        @DefaultValue("5s") Duration jwkSetMinRefreshInterval) {

    public JwtSettings {
        if (clockSkew.compareTo(RevokedAccessTokens.KEPT_PAST_EXPIRY) > 0) {
            throw new IllegalArgumentException("meridian.gateway.jwt.clock-skew (" + clockSkew
                    + ") must not exceed how long the revocation list keeps a token past its expiry ("
                    + RevokedAccessTokens.KEPT_PAST_EXPIRY + ")");
        }
    }
}
