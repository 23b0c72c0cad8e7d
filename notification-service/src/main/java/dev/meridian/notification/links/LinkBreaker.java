package dev.meridian.notification.links;

import feign.FeignException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The circuit breaker around user-service's mail links, built with Resilience4j's own registry (as auth-service's
 * UserServiceBreaker, see architecture.md) from {@link LinkSettings.Breaker}. While it is open the sender does not
 * wait on a user-service that is down: every due mail is put back at once. Time is bounded by Feign's timeouts
 * (application.yml). Metrics: {@code resilience4j_circuitbreaker_*}, name {@code user-service-mail-links}.
 */
@Component
class LinkBreaker {

    static final String NAME = "user-service-mail-links";

    private final CircuitBreaker breaker;

    LinkBreaker(LinkSettings settings, MeterRegistry meters) {
        var config = settings.breaker();
        var breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.window())
                .minimumNumberOfCalls(config.minimumCalls())
                .failureRateThreshold(config.failureRate())
                .waitDurationInOpenState(config.openFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .ignoreException(failure -> failure instanceof FeignException answer && answer.status() == 410)
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        this.breaker = breakers.circuitBreaker(NAME);
    }

    <T> T call(Supplier<T> call) {
        return breaker.executeSupplier(call);
    }
}
