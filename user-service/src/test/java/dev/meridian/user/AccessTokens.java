package dev.meridian.user;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.meridian.testkit.TokenIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The access tokens the tests present, signed by the testkit's issuer whose JWKS user-service trusts. */
final class AccessTokens {

    static final String AUDIENCE = "user-service";

    static final TokenIssuer ISSUER = TokenIssuer.start("http://localhost:8080");
    /** Same issuer name, different key: what a forger without auth-service's private key can make. */
    private static final TokenIssuer FORGER = TokenIssuer.start("http://localhost:8080");

    private AccessTokens() {}

    static void register(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER::issuer);
        registry.add("spring.security.oauth2.resourceserver.jwt.audiences", () -> AUDIENCE);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", ISSUER::jwkSetUri);
    }

    /** The claims of a genuine access token for this user, to alter before signing. */
    static JWTClaimsSet.Builder claims(UUID userId) {
        return ISSUER.claims(userId.toString(), AUDIENCE).claim("roles", List.of("USER"));
    }

    static String user(UUID userId) {
        return ISSUER.sign(ISSUER.claims(userId.toString(), AUDIENCE)
                .claim("roles", List.of("USER"))
                .build());
    }

    /** auth-service's {@code acr} for a sign-in with a second factor, which the administration routes require. */
    static final String MFA = "urn:meridian:acr:mfa";

    /** An administrator who signed in with a second factor: what the administration routes take. */
    static String admin(UUID userId) {
        return ISSUER.sign(ISSUER.claims(userId.toString(), AUDIENCE)
                .claim("roles", List.of("ADMIN"))
                .claim("amr", List.of("pwd", "otp"))
                .claim("acr", MFA)
                .build());
    }

    /** An administrator who signed in with the password alone ({@code acr} {@code urn:meridian:acr:pwd}). */
    static String adminWithoutSecondFactor(UUID userId) {
        return ISSUER.sign(ISSUER.claims(userId.toString(), AUDIENCE)
                .claim("roles", List.of("ADMIN"))
                .claim("amr", List.of("pwd"))
                .claim("acr", "urn:meridian:acr:pwd")
                .build());
    }

    static String userWithSecondFactor(UUID userId) {
        return ISSUER.sign(ISSUER.claims(userId.toString(), AUDIENCE)
                .claim("roles", List.of("USER"))
                .claim("amr", List.of("pwd", "otp"))
                .claim("acr", MFA)
                .build());
    }

    static String service(String clientId, String scope) {
        return ISSUER.sign(
                ISSUER.claims(clientId, AUDIENCE).claim("scope", scope).build());
    }

    static String signedByAnotherKey(UUID userId) {
        return FORGER.sign(FORGER.claims(userId.toString(), AUDIENCE)
                .claim("roles", List.of("ADMIN"))
                .build());
    }

    static String expired(UUID userId) {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        return ISSUER.sign(ISSUER.claims(userId.toString(), AUDIENCE)
                .issueTime(Date.from(past))
                .expirationTime(Date.from(past.plusSeconds(60)))
                .build());
    }

    static String forAudience(UUID userId, String audience) {
        return ISSUER.sign(ISSUER.claims(userId.toString(), audience).build());
    }
}
