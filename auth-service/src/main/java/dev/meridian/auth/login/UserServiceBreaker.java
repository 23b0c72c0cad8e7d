package dev.meridian.auth.login;

import feign.FeignException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The circuit breaker and bulkhead around user-service's credentials check and the standing check of every refresh
 * ({@link CurrentRoles}). Resilience4j's defaults (a window of 100 calls, 60 s open) would never trip at login rates,
 * so the breaker opens when half of the last 10 checks (at least 5) failed, rejects at once for 5 s, then lets 2
 * through to see whether user-service is back. A locked email (429) and an unknown user (404) are answers, not
 * failures. At most 50 checks run at once per instance; more wait up to 200 ms. Time is
 * bounded by Feign's timeouts (500 ms to connect, 1.8 s to answer; see application.yml). Metrics:
 * {@code resilience4j_circuitbreaker_*} and {@code resilience4j_bulkhead_*}, name {@code user-service}.
 */
@Component
public class UserServiceBreaker {

    static final String NAME = "user-service";

    private final Guard guard;

    UserServiceBreaker(MeterRegistry meters) {
        this.guard = guard(NAME, answer -> answer.status() == 429 || answer.status() == 404, meters);
    }

    /** Runs the call through the bulkhead and the breaker; a rejection throws as the call's failure would. */
    <T> T call(Supplier<T> call) {
        return guard.call(call);
    }

    /**
     * A bulkhead and breaker named {@code name} around calls to user-service, sized as the credentials check's (above);
     * a {@link FeignException} that {@code isAnswer} accepts is an answer, not a failure.
     */
    public static Guard guard(String name, Predicate<FeignException> isAnswer, MeterRegistry meters) {
        var breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(5))
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .ignoreException(failure -> failure instanceof FeignException answer && isAnswer.test(answer))
                .build());
        var bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(50)
                .maxWaitDuration(Duration.ofMillis(200))
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        return new Guard(breakers.circuitBreaker(name), bulkheads.bulkhead(name));
    }

    /** A breaker and the bulkhead inside it. */
    public record Guard(CircuitBreaker breaker, Bulkhead bulkhead) {

        /** Runs the call through the bulkhead and the breaker; a rejection throws as the call's failure would. */
        public <T> T call(Supplier<T> call) {
            return CircuitBreaker.decorateSupplier(breaker, Bulkhead.decorateSupplier(bulkhead, call))
                    .get();
        }
    }
}
