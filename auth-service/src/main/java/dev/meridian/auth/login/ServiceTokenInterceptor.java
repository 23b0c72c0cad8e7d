package dev.meridian.auth.login;

import feign.RequestInterceptor;
import feign.RequestTemplate;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/**
 * Puts a service token on every call to user-service's credentials check: auth-service signs it itself (it is the
 * issuer; a token request to itself would only add a hop), as client {@code auth-service} with the
 * {@code users.credentials.verify} and {@code users.delete} scopes, typed {@code at+jwt}, and reuses it until a minute before it expires. No
 * registered client stands behind it: nothing can request such a token from the token endpoint. Feign configuration for
 * {@link UserCredentials}, {@link UserStanding} and the account pages' {@code AccountDeletion} only, so not a component.
 */
public class ServiceTokenInterceptor implements RequestInterceptor {

    /** The credentials check and standing (login), and the owner's deletion from the "delete account" page. */
    static final String SCOPE = "users.credentials.verify users.delete";

    private static final Duration LIFETIME = Duration.ofMinutes(5);

    private final JwtEncoder encoder;
    private final URI issuer;
    private final Clock clock;
    private String token;
    private Instant renewAt = Instant.MIN;

    /** {@code issuer}: the authorization server's own ({@code meridian.auth.issuer}), as in the tokens it issues. */
    ServiceTokenInterceptor(JwtEncoder encoder, @Value("${meridian.auth.issuer}") URI issuer, Clock clock) {
        this.encoder = encoder;
        this.issuer = issuer;
        this.clock = clock;
    }

    @Override
    public void apply(RequestTemplate request) {
        request.header("Authorization", "Bearer " + token());
    }

    private synchronized String token() {
        Instant now = clock.instant();
        if (now.isAfter(renewAt)) {
            JwtClaimsSet claims = JwtClaimsSet.builder()
                    .issuer(issuer.toString())
                    .subject("auth-service")
                    .audience(List.of("user-service"))
                    .claim("scope", SCOPE)
                    .issuedAt(now)
                    .expiresAt(now.plus(LIFETIME))
                    .build();
            // An access token like those the token endpoint issues (RFC 9068): resource servers refuse other types.
            JwsHeader header =
                    JwsHeader.with(SignatureAlgorithm.RS256).type("at+jwt").build();
            token = encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
            renewAt = now.plus(LIFETIME).minusSeconds(60);
        }
        return token;
    }
}
