package dev.meridian.gateway.security;

import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.gateway.redis.RedisAvailability;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
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
 * auth-service: in the gateway's copy of the list ({@link LocalRevocationList}) while it is complete, in Redis (one
 * round trip) while it is not. When neither can be read — the copy is not complete (a connection to Redis dropped)
 * and Redis does not answer ({@link RedisAvailability}) — the copy judges alone for {@code maxStaleness} after the
 * instant it is known to be current until (bounded staleness: a token revoked in that time may be served that much
 * longer; what the copy holds stays refused): tokens it does not hold are let through, counted as
 * {@code meridian.gateway.revocation_checks{outcome="unavailable"}}. Once the copy is older than that, or when it was
 * never read, a token it does not hold could have been revoked without this gateway being able to know: it is
 * refused with a 503 problem and {@code Retry-After} ({@link RevocationUnknown}), counted as
 * {@code meridian.gateway.revocation_unknown}.
 * 503 and not 401: the token is not known to be bad, and a 401 tells a client to throw it away and sign in again —
 * in an outage of the store auth-service writes to as well, and for every user at once.
 */
final class RevocationCheck implements ReactiveJwtDecoder {

    private static final Logger log = LoggerFactory.getLogger(RevocationCheck.class);

    private final ReactiveJwtDecoder decoder;
    private final LocalRevocationList copy;
    private final ReactiveStringRedisTemplate redis;
    private final RedisAvailability availability;
    private final Counter refused;
    private final Counter unavailable;
    private final Counter unknown;
    private final Duration maxStaleness;

    RevocationCheck(
            ReactiveJwtDecoder decoder,
            LocalRevocationList copy,
            ReactiveStringRedisTemplate redis,
            RedisAvailability availability,
            MeterRegistry meters,
            Duration maxStaleness) {
        this.decoder = decoder;
        this.maxStaleness = maxStaleness;
        this.copy = copy;
        this.redis = redis;
        this.availability = availability;
        this.refused = Counter.builder("meridian.gateway.revocation_checks")
                .tag("outcome", "revoked")
                .register(meters);
        this.unavailable = Counter.builder("meridian.gateway.revocation_checks")
                .tag("outcome", "unavailable")
                .register(meters);
        this.unknown = Counter.builder("meridian.gateway.revocation_unknown")
                .description("Tokens refused (503) because neither Redis nor a copy of the revocation list at most"
                        + " max-staleness old could say whether they were revoked")
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
            return judgedByCopy(jwt);
        }
        return redis.opsForZSet()
                .score(RevokedAccessTokens.KEY, jwt.getId())
                .map(listedUntil -> listedUntil > System.currentTimeMillis())
                .defaultIfEmpty(false)
                .timeout(availability.timeout())
                .doOnNext(answer -> availability.answered())
                .map(listed -> listed ? revoked() : Mono.just(jwt))
                .onErrorResume(e -> {
                    availability.failed(e);
                    log.debug("Revocation list unreadable: {}", e.toString());
                    return Mono.just(judgedByCopy(jwt));
                })
                .flatMap(decision -> decision);
    }

    /** Redis cannot be read: the copy decides alone while it is at most {@code maxStaleness} old. */
    private Mono<Jwt> judgedByCopy(Jwt jwt) {
        if (freshEnough(copy.currentUntil(), Instant.now(), maxStaleness)) {
            unavailable.increment();
            return Mono.just(jwt);
        }
        unknown.increment();
        return Mono.error(new RevocationUnknown());
    }

    /** Whether a copy known current until {@code currentUntil} (null: never read) may still judge alone at {@code now}. */
    static boolean freshEnough(Instant currentUntil, Instant now, Duration maxStaleness) {
        return currentUntil != null && !now.isAfter(currentUntil.plus(maxStaleness));
    }

    private Mono<Jwt> revoked() {
        refused.increment();
        return Mono.error(new BadJwtException("The token has been revoked"));
    }
}
