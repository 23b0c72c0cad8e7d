package dev.meridian.gateway.security;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The keys a token's signature is checked with: auth-service's JWKS, cached, fetched again when a token names a
 * {@code kid} the cached set does not hold (key rotation) — but at most once per {@code minInterval}, however many
 * tokens with unknown keys arrive, and with one fetch in flight at a time. Spring Security's own reactive source
 * ({@code ReactiveRemoteJWKSource}, behind {@code NimbusReactiveJwtDecoder.withJwkSetUri}) fetches the set once per
 * token with an unknown {@code kid}, so a flood of made-up key ids became a flood of JWKS requests to auth-service;
 * Nimbus' {@code RateLimitedJWKSetSource} bounds that, but is blocking (it would fetch on the event loop). Within the
 * interval a token with an unknown key finds no key and is refused (401) without a fetch.
 */
final class JwkSetFetches implements Function<SignedJWT, Flux<JWK>> {

    private final WebClient client;
    private final String uri;
    private final long minIntervalNanos;
    private volatile JWKSet cached;
    private Mono<JWKSet> inFlight;
    private long lastFetchStarted;
    private boolean fetchedOnce;

    JwkSetFetches(WebClient client, String uri, Duration minInterval) {
        this.client = client;
        this.uri = uri;
        this.minIntervalNanos = minInterval.toNanos();
    }

    @Override
    public Flux<JWK> apply(SignedJWT jwt) {
        var selector = new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader()));
        JWKSet keys = cached;
        if (keys != null) {
            List<JWK> matches = selector.select(keys);
            String kid = jwt.getHeader().getKeyID();
            if (!matches.isEmpty() || kid == null || keys.getKeyByKeyId(kid) != null) {
                // Found, or nothing a fresh copy could add: no kid to look for, or the key is there but does not fit.
                return Flux.fromIterable(matches);
            }
        }
        return refreshed().flatMapIterable(selector::select);
    }

    /** A fresh copy of the set, the fetch already under way, or (within the interval) nothing new. */
    private synchronized Mono<JWKSet> refreshed() {
        long now = System.nanoTime();
        if (fetchedOnce && now - lastFetchStarted < minIntervalNanos) {
            return inFlight != null ? inFlight : Mono.justOrEmpty(cached);
        }
        fetchedOnce = true;
        lastFetchStarted = now;
        inFlight = client.get()
                .uri(uri)
                .retrieve()
                .bodyToMono(String.class)
                .map(JwkSetFetches::parse)
                .doOnNext(keys -> cached = keys)
                .doFinally(signal -> fetched())
                .cache();
        return inFlight;
    }

    private synchronized void fetched() {
        inFlight = null;
    }

    private static JWKSet parse(String body) {
        try {
            return JWKSet.parse(body);
        } catch (ParseException e) {
            throw new IllegalStateException("The JWKS is not a JWK set: " + e.getMessage(), e);
        }
    }
}
