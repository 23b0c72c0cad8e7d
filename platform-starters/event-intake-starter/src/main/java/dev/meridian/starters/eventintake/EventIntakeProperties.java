package dev.meridian.starters.eventintake;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;
import org.springframework.validation.annotation.Validated;

/**
 * How a service's user-event intake retries, where it dead-letters and how its dead letters are replayed.
 *
 * @param enabled off: none of this starter's beans, the service wires its own error handling
 */
@ConfigurationProperties("meridian.events")
@Validated
public record EventIntakeProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue @Valid Retry retry,
        @DefaultValue @Valid DeadLetters deadLetters,
        @DefaultValue @Valid Replay replay) {

    /**
     * How often, and how patiently, a failing record is retried before it is dead-lettered. The defaults (8 attempts,
     * 1 s doubling to at most 10 s: about 45 s) ride out a short database or SMTP outage; the partition waits
     * meanwhile, which keeps each user's events in order.
     */
    public record Retry(
            @DefaultValue("8") @Min(1) int maxAttempts,
            @DefaultValue("1s") @NotNull Duration initialInterval,
            @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
            @DefaultValue("10s") @NotNull Duration maxInterval) {}

    /**
     * @param topic the dead-letter topic; empty: {@code user-events.<spring.application.name>.dlt}
     * @param poison exceptions no retry can cure, dead-lettered at once; {@link UnreadableEvent} always is
     * @param backlogInterval how often the letters not yet replayed are counted
     *     ({@code meridian_events_dead_letters_waiting})
     */
    public record DeadLetters(
            @Nullable String topic,
            @DefaultValue("3") @Min(1) int partitions,
            @DefaultValue List<Class<? extends Throwable>> poison,
            @DefaultValue("30s") @NotNull Duration backlogInterval) {}

    /**
     * The admin endpoint that feeds the dead letters back through the service's own listener.
     *
     * @param path where {@code POST} starts a pass, e.g. {@code /api/audit/dead-letters/replay}; the service's
     *     security rules guard it
     * @param listener the id of the service's {@code @KafkaListener} the dead letters are handed to
     * @param metric the name of the counter of replayed letters, e.g. {@code audit.dead_letters.replayed}
     * @param idleAfter no letter for this long means the pass has caught up and stops
     */
    public record Replay(
            @DefaultValue("true") boolean enabled,
            @Nullable String path,
            @Nullable String listener,
            @Nullable String metric,
            @DefaultValue("2s") @NotNull Duration idleAfter) {

        @AssertTrue(message = "replay.enabled needs replay.path, replay.listener and replay.metric")
        boolean isComplete() {
            return !enabled
                    || (StringUtils.hasText(path) && StringUtils.hasText(listener) && StringUtils.hasText(metric));
        }
    }
}
