package dev.meridian.audit.intake;

import dev.meridian.audit.log.AuditLog;
import dev.meridian.events.UserDeleted;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserEvents;
import dev.meridian.starters.eventintake.UserEventReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends every user event to the audit log. Offsets are committed after the rows are (ack mode {@code batch}), so
 * a crash in between delivers those events again, which the log ignores. Failures are retried and then dead-lettered,
 * and the dead letters replayed through {@link #receive}, by meridian-event-intake-spring-boot-starter.
 */
@Component
class UserEventIntake {

    static final String LISTENER = "audit-intake";

    private static final Logger log = LoggerFactory.getLogger(UserEventIntake.class);

    private final AuditLog auditLog;
    private final UserEventReader reader;
    private final Counter appended;
    private final Counter duplicates;
    private final Counter conflicting;

    UserEventIntake(AuditLog auditLog, JsonMapper json, MeterRegistry meters) {
        this.auditLog = auditLog;
        this.reader = new UserEventReader(json);
        this.appended =
                Counter.builder("audit.events").tag("outcome", "appended").register(meters);
        this.duplicates =
                Counter.builder("audit.events").tag("outcome", "duplicate").register(meters);
        this.conflicting =
                Counter.builder("audit.events").tag("outcome", "conflicting").register(meters);
    }

    // The id names the container; the consumer group is the service's own (spring.kafka.consumer.group-id).
    @KafkaListener(id = LISTENER, idIsGroup = false, topics = UserEvents.TOPIC)
    void receive(ConsumerRecord<String, String> record) {
        ArrivedEvent event = ArrivedEvent.read(record, reader);
        UserEvent data = event.data();
        boolean added = auditLog.append(new AuditLog.Append(
                data.eventId(),
                data.userId(),
                event.type(),
                Summary.of(data),
                event.source(),
                data.occurredAt(),
                data.actorId(),
                event.traceId(),
                event.json(),
                !(data instanceof UserDeleted)));
        if (added) {
            appended.increment();
        } else if (auditLog.holds(data.eventId(), event.json())) {
            duplicates.increment();
            log.info("Event {} is already in the audit log; redelivery ignored", data.eventId());
        } else {
            // Not a redelivery: the publisher reused an event id for other content. The log is append-only and keeps
            // what it recorded first; the other content is counted and warned of (no data in the line: it may hold
            // personal data), for an operator to take up with the publisher.
            conflicting.increment();
            log.warn(
                    "Event {} ({}) arrived again with other content; the audit log keeps the entry it recorded first",
                    data.eventId(),
                    event.type());
        }
        if (data instanceof UserDeleted) {
            // After the deletion's own entry, so a failure in between retries both; a redelivery erases again,
            // harmlessly.
            auditLog.erase(data.userId());
        }
    }
}
