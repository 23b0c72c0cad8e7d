package dev.meridian.user.export;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The personal data export ({@code meridian.export.*}).
 *
 * @param perUser one export per user within this (it calls three services); the next is {@code 429}
 * @param pageSize entries asked for per page of audit entries and deliveries (the services serve at most 500)
 * @param maxEntries audit entries, and deliveries, one export gathers at most; more is a {@code 422} problem rather
 *     than a document that silently leaves the rest out
 * @param retryAfter what a {@code 503} (a part's service down or its breaker open) tells the client to wait
 */
@Validated
@ConfigurationProperties("meridian.export")
record ExportSettings(
        @NotNull Duration perUser,
        @Min(1) @Max(500) int pageSize,
        @Min(1) int maxEntries,
        @NotNull Duration retryAfter) {}
