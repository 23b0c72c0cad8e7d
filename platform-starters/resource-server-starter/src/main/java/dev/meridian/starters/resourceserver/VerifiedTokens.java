package dev.meridian.starters.resourceserver;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * Remembers tokens that passed full validation, so a client's repeated calls with the same access token do not
 * pay for parsing and an RSA signature check every time (a tenth of a cached read's cost). Only the exact token
 * text that validated is remembered, never longer than its own expiry nor than {@code maxAge}, so a token signed
 * by a key later removed from the JWKS is refused again within {@code maxAge}. The checks whose answer can change
 * while a token is remembered ({@code everyUse}: the revocation list) run again on every use.
 */
final class VerifiedTokens implements JwtDecoder {

    private final JwtDecoder validator;
    private final OAuth2TokenValidator<Jwt> everyUse;
    private final Clock clock;
    private final Cache<String, Jwt> verified;

    VerifiedTokens(
            JwtDecoder validator, OAuth2TokenValidator<Jwt> everyUse, Clock clock, Duration maxAge, long maximumSize) {
        this.validator = validator;
        this.everyUse = everyUse;
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfter(Expiry.creating((String token, Jwt jwt) -> lifetime(jwt, maxAge)))
                .build();
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Jwt known = verified.getIfPresent(token);
        if (known != null
                && known.getExpiresAt() != null
                && known.getExpiresAt().isAfter(clock.instant())) {
            OAuth2TokenValidatorResult stillValid = everyUse.validate(known);
            if (stillValid.hasErrors()) {
                verified.invalidate(token);
                throw new JwtValidationException(
                        stillValid.getErrors().iterator().next().getDescription(), stillValid.getErrors());
            }
            return known;
        }
        Jwt jwt = validator.decode(token);
        verified.put(token, jwt);
        return jwt;
    }

    private Duration lifetime(Jwt jwt, Duration maxAge) {
        Instant expiresAt = jwt.getExpiresAt();
        if (expiresAt == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), expiresAt);
        return left.isNegative() ? Duration.ZERO : (left.compareTo(maxAge) > 0 ? maxAge : left);
    }
}
