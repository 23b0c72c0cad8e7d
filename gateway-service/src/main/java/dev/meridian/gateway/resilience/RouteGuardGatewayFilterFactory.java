package dev.meridian.gateway.resilience;

import dev.meridian.gateway.problem.BodyTooLarge;
import dev.meridian.gateway.problem.ProblemResponses;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code RouteGuard}: a bulkhead and a circuit breaker per route, named by the route's id (Resilience4j, used directly
 * so that what {@code resilience4j.circuitbreaker.*} and {@code resilience4j.bulkhead.*} in application.yml say is what
 * runs: their {@code default} configs, or an {@code instances.<route id>} entry). A request past a full bulkhead or an open breaker, a backend that cannot
 * be reached and one that does not answer in the route's {@code response-timeout} all get a problem response at
 * once — 503 with {@code Retry-After}, or 504 — for every method. 5xx answers, errors and timeouts count as
 * failures; a request the client abandons counts as nothing.
 */
@Component
public class RouteGuardGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

    private static final Logger log = LoggerFactory.getLogger(RouteGuardGatewayFilterFactory.class);

    private final CircuitBreakerRegistry breakers;
    private final BulkheadRegistry bulkheads;

    public RouteGuardGatewayFilterFactory(
            CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads, MeterRegistry meters) {
        super(Object.class);
        this.breakers = breakers;
        this.bulkheads = bulkheads;
        // Bound here, not by the starter's own metrics auto-configuration: that one orders itself after Boot 3's
        // metrics classes (moved in Boot 4), so it runs before a MeterRegistry exists and binds nothing; it is
        // switched off in application.yml.
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        breakers.getEventPublisher()
                .onEntryAdded(added -> added.getAddedEntry()
                        .getEventPublisher()
                        .onStateTransition(event -> log.warn(
                                "Circuit breaker of route {}: {}",
                                event.getCircuitBreakerName(),
                                event.getStateTransition())));
    }

    @Override
    public GatewayFilter apply(Object unused) {
        return (exchange, chain) -> {
            Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
            String routeId = route == null ? "none" : route.getId();
            Bulkhead bulkhead = bulkheads.bulkhead(routeId);
            if (!bulkhead.tryAcquirePermission()) {
                return unavailable(exchange, "Too many requests in flight to this service; retry shortly", 1);
            }
            CircuitBreaker breaker = breakers.circuitBreaker(routeId);
            if (!breaker.tryAcquirePermission()) {
                bulkhead.onComplete();
                return unavailable(
                        exchange, "The service is failing and is not being called for now", openFor(breaker));
            }
            long start = System.nanoTime();
            return chain.filter(exchange)
                    .doOnSuccess(done -> {
                        HttpStatusCode status = exchange.getResponse().getStatusCode();
                        if (status != null && status.is5xxServerError()) {
                            breaker.onError(elapsed(start), TimeUnit.NANOSECONDS, new ServerError(status));
                        } else {
                            breaker.onSuccess(elapsed(start), TimeUnit.NANOSECONDS);
                        }
                    })
                    .onErrorResume(error -> {
                        if (BodyTooLarge.in(error)) {
                            // The client's body was over the limit: answered as a 413, no failure of the service.
                            breaker.releasePermission();
                            return Mono.error(error);
                        }
                        breaker.onError(elapsed(start), TimeUnit.NANOSECONDS, error);
                        log.info("Route {} failed: {}", routeId, error.toString());
                        return fallback(exchange, error);
                    })
                    .doOnCancel(breaker::releasePermission)
                    .doFinally(signal -> bulkhead.onComplete());
        };
    }

    private Mono<Void> fallback(ServerWebExchange exchange, Throwable error) {
        if (error instanceof ResponseStatusException timedOut
                && timedOut.getStatusCode().value() == 504) {
            return ProblemResponses.write(exchange, HttpStatus.GATEWAY_TIMEOUT, "The service did not answer in time");
        }
        return unavailable(exchange, "The service is unavailable; retry shortly", 1);
    }

    private static Mono<Void> unavailable(ServerWebExchange exchange, String detail, long retryAfterSeconds) {
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfterSeconds)));
        return ProblemResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, detail);
    }

    /** The breaker's open period in seconds, for {@code Retry-After}. */
    private static long openFor(CircuitBreaker breaker) {
        return Duration.ofMillis(breaker.getCircuitBreakerConfig()
                        .getWaitIntervalFunctionInOpenState()
                        .apply(1))
                .toSeconds();
    }

    private static long elapsed(long start) {
        return System.nanoTime() - start;
    }

    /** A 5xx answer, recorded as the breaker's failure while the answer itself goes to the client. */
    private static final class ServerError extends RuntimeException {
        ServerError(HttpStatusCode status) {
            super("answered " + status.value(), null, false, false);
        }
    }
}
