package dev.meridian.auth.login;

import feign.FeignException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/**
 * The circuit breaker and bulkhead around user-service's credentials check and the standing check of every refresh
 * ({@link CurrentRoles}): Resilience4j's {@code user-service} instances, sized in application.yml
 * ({@code resilience4j.circuitbreaker.instances.user-service}, {@code resilience4j.bulkhead.instances.user-service};
 * the values and why are there). A locked email (429) and an unknown user (404) are answers, not failures. Time is
 * bounded by Feign's timeouts (application.yml). Metrics: {@code resilience4j_circuitbreaker_*} and
 * {@code resilience4j_bulkhead_*}, name {@code user-service}.
 */
@Component
public class UserServiceBreaker {

    static final String NAME = "user-service";

    private final Guard guard;

    UserServiceBreaker(CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads, MeterRegistry meters) {
        this.guard = guard(NAME, breakers, bulkheads, meters);
    }

    @Bean
    static CircuitBreakerConfigCustomizer userServiceAnswers() {
        return answersAreNotFailures(NAME, answer -> answer.status() == 429 || answer.status() == 404);
    }

    /** Runs the call through the bulkhead and the breaker; a rejection throws as the call's failure would. */
    <T> T call(Supplier<T> call) {
        return guard.call(call);
    }

    /**
     * The bulkhead and breaker named {@code name} from the registries Resilience4j's starter built from the
     * {@code resilience4j.*} properties, their metrics bound to {@code meters}.
     */
    public static Guard guard(
            String name, CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads, MeterRegistry meters) {
        // Bound here, not by the starter's own metrics auto-configuration: that one orders itself after Boot 3's
        // metrics classes (moved in Boot 4), so it may run before a MeterRegistry exists and bind nothing; it is
        // switched off in application.yml (resilience4j.*.metrics.enabled: false).
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        return new Guard(breakers.circuitBreaker(name), bulkheads.bulkhead(name));
    }

    /**
     * Makes the breaker {@code name} ignore a {@link FeignException} that {@code isAnswer} accepts: an answer, not a
     * failure. The numbers stay in the properties; only this rule, which is code, is added to them.
     */
    public static CircuitBreakerConfigCustomizer answersAreNotFailures(
            String name, Predicate<FeignException> isAnswer) {
        return CircuitBreakerConfigCustomizer.of(
                name,
                builder -> builder.ignoreException(
                        failure -> failure instanceof FeignException answer && isAnswer.test(answer)));
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
