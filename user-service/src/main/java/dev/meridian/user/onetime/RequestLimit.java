package dev.meridian.user.onetime;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/** At most {@code count} requests of one kind per account within {@code window}. */
public record RequestLimit(@Min(1) int count, @NotNull Duration window) {}
