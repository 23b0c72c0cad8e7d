package dev.meridian.gateway.security;

import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.gateway.redis.RedisAvailability;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * A decoder that also refuses access tokens auth-service has revoked: after the signature and claims are checked, the
 * token's {@code jti} is looked up on the revocation list ({@link RevokedAccessTokens}), never with a call to
 * auth-service: in the gateway's copy of the list ({@link LocalRevocationList}) once that is complete, in Redis
 * (one round trip) until then. While neither can tell — no complete copy yet and Redis not answering
 * ({@link RedisAvailability}) — the token is let through (it is still signed and unexpired, and services check it
 * again) and counted ({@code meridian.gateway.revocation_checks{outcome="unavailable"}}).
 */
final class RevocationCheck implements ReactiveJwtDecoder {

    private static final Logger log = LoggerFactory.getLogger(RevocationCheck.class);

    private final ReactiveJwtDecoder decoder;
    private final LocalRevocationList copy;
    private final ReactiveStringRedisTemplate redis;
    private final RedisAvailability availability;
    private final Counter refused;
    private final Counter unavailable;

    RevocationCheck(
            ReactiveJwtDecoder decoder,
            LocalRevocationList copy,
            ReactiveStringRedisTemplate redis,
            RedisAvailability availability,
            MeterRegistry meters) {
        this.decoder = decoder;
        this.copy = copy;
        this.redis = redis;
        this.availability = availability;
        this.refused = Counter.builder("meridian.gateway.revocation_checks")
                .tag("outcome", "revoked")
                .register(meters);
        this.unavailable = Counter.builder("meridian.gateway.revocation_checks")
                .tag("outcome", "unavailable")
                .register(meters);
    }

    @Override
    public Mono<Jwt> decode(String token) {
        return decoder.decode(token).flatMap(this::notRevoked);
    }

    private Mono<Jwt> notRevoked(Jwt jwt) {
        if (jwt.getId() == null) {
            return Mono.error(new BadJwtException("The token has no jti, so it could not be revoked"));
        }
        if (copy.isRevoked(jwt.getId())) {
            return revoked();
        }
        if (copy.complete()) {
            return Mono.just(jwt);
        }
        if (!availability.worthTrying()) {
            unavailable.increment();
            return Mono.just(jwt);
        }
        return redis.opsForZSet()
                .score(RevokedAccessTokens.KEY, jwt.getId())
                .map(listedUntil -> listedUntil > System.currentTimeMillis())
                .defaultIfEmpty(false)
                .timeout(availability.timeout())
                .doOnNext(answer -> availability.answered())
                .onErrorResume(e -> {
                    availability.failed(e);
                    unavailable.increment();
                    log.debug("Revocation list unreadable ({}); token {} let through", e.toString(), jwt.getId());
                    return Mono.just(false);
                })
                .flatMap(listed -> listed ? revoked() : Mono.just(jwt));
    }

    private Mono<Jwt> revoked() {
        refused.increment();
        return Mono.error(new BadJwtException("The token has been revoked"));
    }
}
