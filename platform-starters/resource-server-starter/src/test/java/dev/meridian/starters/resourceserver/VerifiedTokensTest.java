package dev.meridian.starters.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.testkit.TokenIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

class VerifiedTokensTest {

    private static final TokenIssuer ISSUER = TokenIssuer.start("http://localhost:8080");
    private static final TokenIssuer FORGER = TokenIssuer.start("http://localhost:8080");

    private static final OAuth2TokenValidator<Jwt> NO_CHECKS = jwt -> OAuth2TokenValidatorResult.success();

    private final AtomicInteger signatureChecks = new AtomicInteger();
    private final JwtDecoder nimbus = nimbus();
    private final JwtDecoder counting = token -> {
        signatureChecks.incrementAndGet();
        return nimbus.decode(token);
    };

    @Test
    void aTokenThatValidatedIsNotCheckedAgainOnItsNextUse() {
        var tokens = new VerifiedTokens(counting, NO_CHECKS, Clock.systemUTC(), Duration.ofMinutes(2), 100);
        String token = ISSUER.sign(ISSUER.claims("ada", "user-service").build());

        assertThat(tokens.decode(token).getSubject()).isEqualTo("ada");
        assertThat(tokens.decode(token).getSubject()).isEqualTo("ada");
        assertThat(signatureChecks).hasValue(1);
    }

    @Test
    void aRememberedTokenIsRefusedOnceACheckOfEveryUseRefusesIt() {
        var revoked = new AtomicBoolean();
        OAuth2TokenValidator<Jwt> revocationList = jwt -> revoked.get()
                ? OAuth2TokenValidatorResult.failure(
                        new OAuth2Error("invalid_token", "The token has been revoked", null))
                : OAuth2TokenValidatorResult.success();
        var tokens = new VerifiedTokens(counting, revocationList, Clock.systemUTC(), Duration.ofMinutes(2), 100);
        String token = ISSUER.sign(ISSUER.claims("ada", "user-service").build());
        tokens.decode(token);

        revoked.set(true);

        assertThatThrownBy(() -> tokens.decode(token))
                .isInstanceOf(JwtValidationException.class)
                .hasMessageContaining("revoked");
        assertThat(signatureChecks).as("refused from the remembered copy").hasValue(1);
    }

    @Test
    void aTokenThatFailedIsCheckedEveryTime() {
        var tokens = new VerifiedTokens(counting, NO_CHECKS, Clock.systemUTC(), Duration.ofMinutes(2), 100);
        String forged = FORGER.sign(FORGER.claims("ada", "user-service").build());

        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(JwtException.class);
        assertThat(signatureChecks).hasValue(2);
    }

    @Test
    void aRememberedTokenGoesThroughFullValidationAgainOnceItsExpiryHasPassed() {
        Instant now = Instant.now();
        String token = ISSUER.sign(ISSUER.claims("ada", "user-service")
                .expirationTime(Date.from(now.plusSeconds(60)))
                .build());
        var later = new AtomicInteger();
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.plusSeconds(later.get());
            }
        };
        var tokens = new VerifiedTokens(counting, NO_CHECKS, clock, Duration.ofMinutes(2), 100);

        tokens.decode(token);
        later.set(120);

        tokens.decode(token);

        // Past its expiry by this clock, the remembered copy is not used: the validator (which refuses expired
        // tokens by its own, real clock) is asked again.
        assertThat(signatureChecks).hasValue(2);
    }

    /** Signature and timestamps checked; not Spring's default validator, whose typ rule takes only JWT. */
    private static JwtDecoder nimbus() {
        NimbusJwtDecoder decoder =
                NimbusJwtDecoder.withJwkSetUri(ISSUER.jwkSetUri()).build();
        decoder.setJwtValidator(new JwtTimestampValidator());
        return decoder;
    }
}
