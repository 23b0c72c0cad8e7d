package dev.meridian.gateway.ratelimit;

import dev.meridian.gateway.problem.ProblemResponses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Takes a token from each of a request's buckets in turn (most specific first: a bucket that refuses spares the ones
 * after it, so a user over their own limit does not also drain their client's), counts the decisions
 * ({@code meridian.gateway.rate_limit}, one per bucket, by the store that decided) and the requests
 * ({@code meridian.gateway.rate_limit.requests}, one per request: what share of a client's requests got 429), and answers:
 * {@code X-RateLimit-*} headers of the bucket closest to refusing, a 429 problem with {@code Retry-After} for a
 * refusal.
 */
@Component
class RateLimitAnswers {

    /** A bucket of {@link TokenBuckets} and its limit. */
    record Bucket(String key, RateLimitSettings.Limit limit) {}

    /** The {@code client} tag of decisions on requests without a verified token's client. */
    static final String NO_CLIENT = "none";

    private final TokenBuckets buckets;
    private final MeterRegistry meters;
    private final Map<DecisionKind, Counter> decisions = new ConcurrentHashMap<>();
    private final Map<RequestKind, Counter> requests = new ConcurrentHashMap<>();

    RateLimitAnswers(TokenBuckets buckets, MeterRegistry meters) {
        this.buckets = buckets;
        this.meters = meters;
    }

    /**
     * True when every bucket admitted the request (headers set); false once the 429 answer is written. {@code client}
     * tags the decisions: the OAuth client of a verified token (auth-service issues tokens to its registered clients
     * only, so the tag's values stay few), {@link #NO_CLIENT} otherwise (a Basic client id is unverified and would let
     * anyone mint series).
     */
    Mono<Boolean> admit(ServerWebExchange exchange, String routeId, String client, List<Bucket> request) {
        return take(exchange, routeId, client, request, 0, null, null)
                .doOnNext(admitted -> count(new RequestKind(routeId, client, admitted)));
    }

    private Mono<Boolean> take(
            ServerWebExchange exchange,
            String routeId,
            String client,
            List<Bucket> request,
            int index,
            Bucket closest,
            TokenBuckets.Decision closestDecision) {
        if (index == request.size()) {
            headers(exchange, closest.limit(), closestDecision);
            return Mono.just(true);
        }
        Bucket bucket = request.get(index);
        return buckets.take(bucket.key(), bucket.limit()).flatMap(decision -> {
            count(routeId, client, decision);
            if (!decision.allowed()) {
                headers(exchange, bucket.limit(), decision);
                exchange.getResponse()
                        .getHeaders()
                        .set(
                                HttpHeaders.RETRY_AFTER,
                                Long.toString(Math.max(1, (decision.retryAfterMillis() + 999) / 1000)));
                RateLimitSettings.Limit limit = bucket.limit();
                return ProblemResponses.write(
                                exchange,
                                HttpStatus.TOO_MANY_REQUESTS,
                                "Rate limit reached: " + limit.replenishRate() + " requests per second, bursts of "
                                        + limit.burstCapacity() + "; retry after the time in Retry-After")
                        .thenReturn(false);
            }
            boolean closer = closest == null || decision.remaining() < closestDecision.remaining();
            return take(
                    exchange,
                    routeId,
                    client,
                    request,
                    index + 1,
                    closer ? bucket : closest,
                    closer ? decision : closestDecision);
        });
    }

    private static void headers(
            ServerWebExchange exchange, RateLimitSettings.Limit limit, TokenBuckets.Decision decision) {
        HttpHeaders headers = exchange.getResponse().getHeaders();
        headers.set("X-RateLimit-Remaining", Long.toString(decision.remaining()));
        headers.set("X-RateLimit-Replenish-Rate", Integer.toString(limit.replenishRate()));
        headers.set("X-RateLimit-Burst-Capacity", Integer.toString(limit.burstCapacity()));
    }

    private void count(String routeId, String client, TokenBuckets.Decision decision) {
        decisions
                .computeIfAbsent(
                        new DecisionKind(routeId, client, decision.allowed(), decision.store()),
                        kind -> Counter.builder("meridian.gateway.rate_limit")
                                .description("Rate-limit decisions per route and client, by outcome and by the store"
                                        + " that decided")
                                .tag("route", kind.routeId())
                                .tag("client", kind.client())
                                .tag("outcome", kind.allowed() ? "allowed" : "limited")
                                .tag("store", kind.store().name().toLowerCase(Locale.ROOT))
                                .register(meters))
                .increment();
    }

    private void count(RequestKind kind) {
        requests.computeIfAbsent(kind, this::requestCounter).increment();
    }

    private Counter requestCounter(RequestKind kind) {
        return Counter.builder("meridian.gateway.rate_limit.requests")
                .description("Requests the rate limits decided per route and client: admitted by every bucket, or"
                        + " limited by one")
                .tag("route", kind.routeId())
                .tag("client", kind.client())
                .tag("outcome", kind.allowed() ? "allowed" : "limited")
                .register(meters);
    }

    /** One counter each, looked up per request without building a meter id. */
    private record DecisionKind(String routeId, String client, boolean allowed, TokenBuckets.Store store) {}

    private record RequestKind(String routeId, String client, boolean allowed) {}
}
