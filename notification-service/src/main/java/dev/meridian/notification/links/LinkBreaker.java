package dev.meridian.notification.links;

import feign.FeignException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/**
 * The circuit breaker around user-service's mail links: Resilience4j's {@code user-service-mail-links} instance,
 * sized in application.yml ({@code resilience4j.circuitbreaker.instances.user-service-mail-links}; the values and why
 * are there). While it is open the sender does not wait on a user-service that is down: every due mail is put back at
 * once. Time is bounded by Feign's timeouts (application.yml). Metrics: {@code resilience4j_circuitbreaker_*}, name
 * {@code user-service-mail-links}.
 */
@Component
class LinkBreaker {

    static final String NAME = "user-service-mail-links";

    private final CircuitBreaker breaker;

    LinkBreaker(CircuitBreakerRegistry breakers, MeterRegistry meters) {
        // Bound here, not by the starter's own metrics auto-configuration: that one orders itself after Boot 3's
        // metrics classes (moved in Boot 4), so it runs before a MeterRegistry exists and binds nothing; it is
        // switched off in application.yml.
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        this.breaker = breakers.circuitBreaker(NAME);
    }

    /** A {@code 410} (the request is gone: used, expired or withdrawn) is an answer, not a failure. */
    @Bean
    static CircuitBreakerConfigCustomizer goneIsAnAnswer() {
        return CircuitBreakerConfigCustomizer.of(
                NAME,
                builder -> builder.ignoreException(
                        failure -> failure instanceof FeignException answer && answer.status() == 410));
    }

    <T> T call(Supplier<T> call) {
        return breaker.executeSupplier(call);
    }
}
