package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What JWT forgery tools try against a resource server, each refused with 401 and a problem body. The forger knows
 * everything public: the issuer's name, the audience, and the public key from the JWKS.
 */
class JwtAttackIT extends RunningUserService {

    private final UUID victim = UUID.randomUUID();

    @Test
    void aGenuineTokenIsAcceptedSoTheRefusalsBelowMeanSomething() {
        assertThat(api.get("/api/users/me", AccessTokens.user(victim)).statusCode())
                .isIn(200, 404);
    }

    @Test
    void everyForgedOrInvalidTokenIsRefusedWith401() throws Exception {
        Map<String, String> attacks = new LinkedHashMap<>();
        JWTClaimsSet admin =
                AccessTokens.claims(victim).claim("roles", List.of("ADMIN")).build();
        attacks.put("alg none", new PlainJWT(admin).serialize());
        attacks.put(
                "HS256 keyed with the public key (DER)",
                hmac(admin, publicKey().toPublicKey().getEncoded()));
        attacks.put(
                "HS256 keyed with the public JWK's JSON",
                hmac(admin, publicKey().toJSONString().getBytes(StandardCharsets.UTF_8)));
        attacks.put("real key, unknown kid", AccessTokens.ISSUER.sign(admin, "not-a-published-kid"));
        attacks.put("signed by another key", AccessTokens.signedByAnotherKey(victim));
        attacks.put("expired an hour ago", AccessTokens.expired(victim));
        attacks.put(
                "not valid for another hour",
                AccessTokens.ISSUER.sign(AccessTokens.claims(victim)
                        .notBeforeTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
                        .build()));
        attacks.put(
                "no expiry at all",
                AccessTokens.ISSUER.sign(
                        AccessTokens.claims(victim).expirationTime(null).build()));
        attacks.put(
                "another issuer",
                AccessTokens.ISSUER.sign(AccessTokens.claims(victim)
                        .issuer("https://evil.example")
                        .build()));
        attacks.put("another audience", AccessTokens.forAudience(victim, "audit-service"));
        attacks.put("payload swapped after signing", tampered(AccessTokens.user(victim), admin));
        attacks.put("signature stripped", stripped(AccessTokens.user(victim)));
        attacks.put("not a JWT", "definitely.not.ajwt");

        for (var attack : attacks.entrySet()) {
            HttpResponse<String> response = api.get("/api/users/me", attack.getValue());
            assertThat(response.statusCode()).as(attack.getKey()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .as(attack.getKey())
                    .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Bearer"));
            assertThat(response.headers().firstValue("Content-Type"))
                    .as(attack.getKey())
                    .hasValue("application/problem+json");
        }
    }

    /** The public key, fetched from the JWKS as anyone can. */
    private static RSAKey publicKey() throws Exception {
        String jwks = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(AccessTokens.ISSUER.jwkSetUri()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return JWKSet.parse(jwks).getKeys().getFirst().toRSAKey();
    }

    private static String hmac(JWTClaimsSet claims, byte[] secret) throws JOSEException, Exception {
        var jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(publicKey().getKeyID())
                        .build(),
                claims);
        jwt.sign(new MACSigner(secret.length >= 32 ? secret : java.util.Arrays.copyOf(secret, 32)));
        return jwt.serialize();
    }

    private static String tampered(String genuine, JWTClaimsSet claims) {
        String[] parts = genuine.split("\\.");
        String payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        return parts[0] + "." + payload + "." + parts[2];
    }

    private static String stripped(String genuine) {
        String[] parts = genuine.split("\\.");
        return parts[0] + "." + parts[1] + ".";
    }
}
