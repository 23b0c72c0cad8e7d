package dev.meridian.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Signs access tokens the way auth-service does (RS256 with a {@code kid} and {@code typ: at+jwt}, RFC 9068; issuer,
 * subject, audience, expiry, id)
 * and serves its public key as a JWKS over real HTTP. A resource server pointed at {@link #jwkSetUri()} checks
 * these tokens exactly as it checks production ones, so tests and benchmarks need no auth-service.
 */
public final class TokenIssuer {

    /** The JOSE {@code typ} of a JWT access token (RFC 9068 §2.1). */
    public static final String ACCESS_TOKEN_TYPE = "at+jwt";

    private static final Duration LIFETIME = Duration.ofMinutes(15);

    private final String issuer;
    private final RSAKey key;
    private final String jwkSetUri;
    private final HttpServer server;

    private TokenIssuer(String issuer, RSAKey key, String jwkSetUri, HttpServer server) {
        this.issuer = issuer;
        this.key = key;
        this.jwkSetUri = jwkSetUri;
        this.server = server;
    }

    /** Stops serving the JWKS (connections to it are refused from now on), as an issuer that is down does. */
    public void stopServingKeys() {
        server.stop(0);
    }

    /** A new signing key, its JWKS served on a free local port until the JVM exits. */
    public static TokenIssuer start(String issuer) {
        try {
            RSAKey key = new RSAKeyGenerator(2048)
                    .keyID(UUID.randomUUID().toString())
                    .generate();
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/oauth2/jwks", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                // One request per connection: a Reactor Netty client (the gateway's JWKS fetch on an unknown kid)
                // reusing a kept-alive connection to this JDK server was seen waiting 30 s for an answer.
                exchange.getResponseHeaders().add("Connection", "close");
                exchange.sendResponseHeaders(200, jwks.length);
                exchange.getResponseBody().write(jwks);
                exchange.close();
            });
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "jwks-stop"));
            String uri = "http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/jwks";
            return new TokenIssuer(issuer, key, uri, server);
        } catch (JOSEException | IOException e) {
            throw new IllegalStateException("Could not start a token issuer", e);
        }
    }

    /** Claims every access token has, valid from now for 15 minutes; add roles or scope before signing. */
    public JWTClaimsSet.Builder claims(String subject, String audience) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(UUID.randomUUID().toString());
    }

    public String sign(JWTClaimsSet claims) {
        return sign(claims, key.getKeyID());
    }

    /** Signed with this issuer's real key but naming {@code keyId} in the header, as a forger might. */
    public String sign(JWTClaimsSet claims, String keyId) {
        return sign(claims, keyId, ACCESS_TOKEN_TYPE);
    }

    /**
     * Signed with this issuer's real key and {@code kid} but with the header {@code typ} given ({@code null}: none),
     * as an ID token ({@code JWT}) or a token of another kind presented as an access token would be.
     */
    public String signAsType(JWTClaimsSet claims, String type) {
        return sign(claims, key.getKeyID(), type);
    }

    private String sign(JWTClaimsSet claims, String keyId, String type) {
        try {
            var header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId);
            if (type != null) {
                header.type(new JOSEObjectType(type));
            }
            var jwt = new SignedJWT(header.build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return issuer;
    }

    public String jwkSetUri() {
        return jwkSetUri;
    }
}
