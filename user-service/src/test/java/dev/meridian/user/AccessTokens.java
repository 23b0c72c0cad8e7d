package dev.meridian.user;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Signs access tokens the way auth-service does (RS256, {@code kid}, issuer, audience, roles, scope) and serves the
 * public key as a JWKS over real HTTP, so user-service verifies signatures exactly as in production.
 */
final class AccessTokens {

    static final String ISSUER = "http://localhost:8080";
    static final String AUDIENCE = "user-service";

    private static final RSAKey KEY = generateKey();
    private static final String JWKS_URI = serveJwks();

    private AccessTokens() {}

    static void register(DynamicPropertyRegistry registry) {
        registry.add("meridian.security.jwt.issuer", () -> ISSUER);
        registry.add("meridian.security.jwt.audience", () -> AUDIENCE);
        registry.add("meridian.security.jwt.jwk-set-uri", () -> JWKS_URI);
    }

    static String user(UUID userId) {
        return sign(claims(userId.toString(), "USER", null).build(), KEY);
    }

    static String admin(UUID userId) {
        return sign(claims(userId.toString(), "ADMIN", null).build(), KEY);
    }

    static String service(String clientId, String scope) {
        return sign(claims(clientId, null, scope).build(), KEY);
    }

    /** A well-formed token signed with a key user-service has never seen. */
    static String signedByAnotherKey(UUID userId) {
        return sign(claims(userId.toString(), "ADMIN", null).build(), generateKey());
    }

    static String expired(UUID userId) {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        return sign(
                claims(userId.toString(), "USER", null)
                        .issueTime(Date.from(past))
                        .expirationTime(Date.from(past.plusSeconds(60)))
                        .build(),
                KEY);
    }

    static String forAudience(UUID userId, String audience) {
        return sign(claims(userId.toString(), "USER", null).audience(audience).build(), KEY);
    }

    private static JWTClaimsSet.Builder claims(String subject, String role, String scope) {
        Instant now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(15))))
                .jwtID(UUID.randomUUID().toString());
        if (role != null) {
            claims.claim("roles", List.of(role));
        }
        if (scope != null) {
            claims.claim("scope", scope);
        }
        return claims;
    }

    private static String sign(JWTClaimsSet claims, RSAKey key) {
        try {
            var jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey generateKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String serveJwks() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] jwks = new JWKSet(KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/oauth2/jwks", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                exchange.getResponseBody().write(jwks);
                exchange.close();
            });
            server.start();
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/jwks";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
