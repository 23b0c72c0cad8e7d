package dev.meridian.gateway.resilience;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Each route's bulkhead and circuit breaker. The bulkhead bounds the requests in flight to one service, so a slow
 * one holds at most {@code maxConcurrentCalls} connections and the others keep theirs; sized well above healthy
 * concurrency (the gateway is non-blocking: a waiting request costs memory, not a thread). The breaker opens when
 * {@code failureRateThreshold} percent of the last {@code slidingWindowSize} calls failed (counted once at least
 * {@code minimumNumberOfCalls} were made — Resilience4j's default of 100 never trips at low traffic), answers at
 * once for {@code waitInOpenState}, then lets {@code permittedCallsInHalfOpenState} trial calls through.
 */
@ConfigurationProperties("meridian.gateway.guard")
@Validated
public record GuardSettings(
        @DefaultValue("512") @Positive int maxConcurrentCalls,
        @DefaultValue("50") @Positive @DecimalMax("100") float failureRateThreshold,
        @DefaultValue("20") @Positive int slidingWindowSize,
        @DefaultValue("10") @Positive int minimumNumberOfCalls,
        @DefaultValue("5s") Duration waitInOpenState,
        @DefaultValue("3") @Positive int permittedCallsInHalfOpenState) {}
