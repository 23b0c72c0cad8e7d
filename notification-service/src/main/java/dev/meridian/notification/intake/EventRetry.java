package dev.meridian.notification.intake;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How often, and how patiently, a failing event is retried before it goes to the dead-letter topic. The defaults
 * (8 attempts, 1 s doubling to at most 10 s: about 45 s) ride out a short SMTP or database outage; the partition waits
 * meanwhile, which keeps each user's events in order.
 */
@ConfigurationProperties("meridian.events.retry")
@Validated
record EventRetry(
        @DefaultValue("8") @Min(1) int maxAttempts,
        @DefaultValue("1s") @NotNull Duration initialInterval,
        @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
        @DefaultValue("10s") @NotNull Duration maxInterval) {}
