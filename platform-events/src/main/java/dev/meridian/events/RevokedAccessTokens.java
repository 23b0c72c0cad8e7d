package dev.meridian.events;

/**
 * The revocation list in Redis, written by auth-service and read by the gateway: one key per revoked access token,
 * named by the token's {@code jti}, expiring when the token itself would have. A token whose key exists is refused
 * without asking auth-service.
 */
public final class RevokedAccessTokens {

    /** Prefix of every key on the list. */
    public static final String KEY_PREFIX = "meridian:revoked-access-token:";

    private RevokedAccessTokens() {}

    /** The key marking the access token with this {@code jti} as revoked. */
    public static String key(String jti) {
        return KEY_PREFIX + jti;
    }
}
