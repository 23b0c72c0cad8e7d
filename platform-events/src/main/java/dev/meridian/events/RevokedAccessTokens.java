package dev.meridian.events;

import java.time.Duration;
import java.time.Instant;

/**
 * The revocation list in Redis, written by auth-service and read by the gateway: one key per revoked access token,
 * named by the token's {@code jti}, kept until no validator would accept the token any more. A token whose key exists
 * is refused without asking auth-service.
 */
public final class RevokedAccessTokens {

    /** Prefix of every key on the list. */
    public static final String KEY_PREFIX = "meridian:revoked-access-token:";

    /**
     * How long an entry outlives its token's {@code exp}: validators accept a token for their clock skew past it (30 s
     * by default in every service), so the gateway's skew must not be set above this.
     */
    public static final Duration KEPT_PAST_EXPIRY = Duration.ofSeconds(60);

    private RevokedAccessTokens() {}

    /** The key marking the access token with this {@code jti} as revoked. */
    public static String key(String jti) {
        return KEY_PREFIX + jti;
    }

    /** How long to keep the entry of a token expiring at {@code expiresAt}; zero or less: no entry is needed. */
    public static Duration timeToLive(Instant expiresAt, Instant now) {
        return Duration.between(now, expiresAt).plus(KEPT_PAST_EXPIRY);
    }
}
