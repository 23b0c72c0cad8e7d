package dev.meridian.events;

import java.time.Duration;
import java.time.Instant;

/**
 * The revocation list in Redis, written by auth-service and read by the gateway: one sorted set, {@link #KEY}, whose
 * members are the {@code jti}s of revoked access tokens, each scored by the epoch millisecond until which it is listed
 * — until no validator would accept the token any more. A token listed past now is refused without asking
 * auth-service. One set rather than a key per token, so that reading the whole list is one command, whatever else the
 * Redis holds (rate-limit buckets, caches). Each entry is also announced on {@link #CHANNEL}, so that gateways keep a
 * copy of the list in memory instead of asking Redis on every request.
 */
public final class RevokedAccessTokens {

    /** The sorted set of the list: member a revoked token's {@code jti}, score its {@link #listedUntil} in epoch ms. */
    public static final String KEY = "meridian:revoked-access-tokens";

    /** The Redis pub/sub channel every new entry is announced on ({@link Listed#text()}); same name, no relation. */
    public static final String CHANNEL = "meridian:revoked-access-tokens";

    /**
     * How long an entry outlives its token's {@code exp}: validators accept a token for their clock skew past it (30 s
     * by default in every service), so the gateway's skew must not be set above this.
     */
    public static final Duration KEPT_PAST_EXPIRY = Duration.ofSeconds(60);

    private RevokedAccessTokens() {}

    /** Until when the entry of a token expiring at {@code expiresAt} is kept on the list. */
    public static Instant listedUntil(Instant expiresAt) {
        return expiresAt.plus(KEPT_PAST_EXPIRY);
    }

    /** An entry as announced on {@link #CHANNEL}: the token's {@code jti}, and until when it is listed. */
    public record Listed(String jti, Instant until) {

        public Listed {
            if (jti.isBlank() || jti.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("A jti to list must be non-blank text without spaces: " + jti);
            }
        }

        /** {@code "<jti> <until, epoch milliseconds>"}. */
        public String text() {
            return jti + " " + until.toEpochMilli();
        }

        /** Reads {@link #text()}; an announcement in any other shape is refused. */
        public static Listed parse(String text) {
            int space = text.indexOf(' ');
            if (space <= 0) {
                throw new IllegalArgumentException("Not a revocation announcement: " + text);
            }
            try {
                return new Listed(
                        text.substring(0, space), Instant.ofEpochMilli(Long.parseLong(text.substring(space + 1))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Not a revocation announcement: " + text, e);
            }
        }
    }
}
