package dev.meridian.auth.sessions;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How often, and how patiently, an event whose sessions could not be ended (the database is down) is retried before
 * it goes to the dead-letter topic. The partition waits meanwhile, which keeps each user's events in order. Values in
 * application.yml.
 */
@ConfigurationProperties("meridian.auth.sessions.retry")
@Validated
record EventRetry(
        @Min(1) int maxAttempts,
        @NotNull Duration initialInterval,
        @DecimalMin("1.0") double multiplier,
        @NotNull Duration maxInterval) {}
