package dev.meridian.user.events;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends again the events Kafka has not acknowledged (the broker was down, or the instance stopped mid-send).
 * Every instance does this; a repeat is harmless because consumers deduplicate by event id.
 */
@Component
class OutboxResubmission {

    private final IncompleteEventPublications incomplete;
    private final OutboxSettings settings;

    OutboxResubmission(IncompleteEventPublications incomplete, OutboxSettings settings) {
        this.incomplete = incomplete;
        this.settings = settings;
    }

    @Scheduled(
            initialDelayString = "${meridian.outbox.resubmit-interval:30s}",
            fixedDelayString = "${meridian.outbox.resubmit-interval:30s}")
    void resubmitUnpublishedEvents() {
        incomplete.resubmitIncompletePublicationsOlderThan(settings.resubmitAfter());
    }

    /** How often to look, and how long a publication may stay unacknowledged before it is sent again. */
    @ConfigurationProperties("meridian.outbox")
    record OutboxSettings(
            @DefaultValue("30s") Duration resubmitInterval,
            @DefaultValue("20s") Duration resubmitAfter) {}
}
