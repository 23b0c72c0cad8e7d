package dev.meridian.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Remembers tokens that passed full validation, so a client's repeated calls with the same access token skip
 * parsing and the RSA signature check (measured: about a seventh of the gateway's CPU per request). Only the exact
 * token text that validated is remembered, never past its own expiry nor longer than {@code maxAge}, so a token
 * signed by a key later removed from the JWKS is refused again within {@code maxAge}. Revocation is checked on every
 * request regardless ({@link RevocationCheck} wraps this).
 */
final class VerifiedTokens implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder validator;
    private final Cache<String, Jwt> verified;

    VerifiedTokens(ReactiveJwtDecoder validator, Duration maxAge, long maximumSize) {
        this.validator = validator;
        this.verified = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(Expiry.creating((String token, Jwt jwt) -> lifetime(jwt, maxAge)))
                .build();
    }

    @Override
    public Mono<Jwt> decode(String token) {
        Jwt known = verified.getIfPresent(token);
        if (known != null
                && known.getExpiresAt() != null
                && known.getExpiresAt().isAfter(Instant.now())) {
            return Mono.just(known);
        }
        return validator.decode(token).doOnNext(jwt -> verified.put(token, jwt));
    }

    private static Duration lifetime(Jwt jwt, Duration maxAge) {
        Instant expiresAt = jwt.getExpiresAt();
        if (expiresAt == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(Instant.now(), expiresAt);
        return left.isNegative() ? Duration.ZERO : (left.compareTo(maxAge) > 0 ? maxAge : left);
    }
}
