package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.meridian.events.RevokedAccessTokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Tokens sent straight to user-service, past the gateway: a revoked one and JWTs that are not access tokens are
 * refused here too (defence in depth).
 */
class AccessTokenChecksIT extends RunningUserService {

    @Autowired
    StringRedisTemplate redis;

    @Test
    void aTokenRevokedTheWayAuthServiceDoesIsRefusedWithin1sEvenAfterItWasAccepted() {
        JWTClaimsSet claims = AccessTokens.claims(UUID.randomUUID()).build();
        String token = AccessTokens.ISSUER.sign(claims);
        assertThat(api.get("/api/users/me", token).statusCode()).isIn(200, 404);

        Instant until = Instant.now().plusSeconds(900);
        redis.opsForZSet().add(RevokedAccessTokens.KEY, claims.getJWTID(), until.toEpochMilli());
        redis.convertAndSend(
                RevokedAccessTokens.CHANNEL, new RevokedAccessTokens.Listed(claims.getJWTID(), until).text());

        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> api.get("/api/users/me", token).statusCode() == 401);
        HttpResponse<String> refused = api.get("/api/users/me", token);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(challenge -> assertThat(challenge).contains("invalid_token"));
    }

    @Test
    void anIdTokenOrAnUntypedJwtIsNotTakenAsAnAccessToken() {
        UUID someone = UUID.randomUUID();
        String idToken =
                AccessTokens.ISSUER.signAsType(AccessTokens.claims(someone).build(), "JWT");
        String untyped =
                AccessTokens.ISSUER.signAsType(AccessTokens.claims(someone).build(), null);
        String typed =
                AccessTokens.ISSUER.signAsType(AccessTokens.claims(someone).build(), "at+jwt");

        assertThat(api.get("/api/users/me", idToken).statusCode()).isEqualTo(401);
        assertThat(api.get("/api/users/me", untyped).statusCode()).isEqualTo(401);
        assertThat(api.get("/api/users/me", typed).statusCode()).isIn(200, 404);
    }
}
