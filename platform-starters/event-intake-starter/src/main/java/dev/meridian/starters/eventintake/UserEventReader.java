package dev.meridian.starters.eventintake;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserEvents;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a user event as user-service publishes it (CloudEvents binary mode: attributes in {@code ce_} headers, the
 * data as the JSON of the record its {@code ce_type} names), the same way in every consumer. A tolerant reader:
 * fields a later publisher adds are ignored ({@link UserEvent}'s rule). A record that is no such event is an
 * {@link UnreadableEvent}, dead-lettered without retries.
 */
public final class UserEventReader {

    private final JsonMapper json;

    public UserEventReader(JsonMapper json) {
        this.json = json.rebuild()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /**
     * The record's data as the event its type names, with an {@code eventId} equal to its {@code ce_id} (the
     * consumers' idempotency key), a {@code userId} and an {@code occurredAt}.
     *
     * @throws UnreadableEvent for an unknown type, no data, data that is not that record, or a missing attribute
     */
    public UserEvent read(ConsumerRecord<String, String> record) {
        String type = header(record, CloudEventHeaders.TYPE);
        Class<? extends UserEvent> dataType =
                UserEvents.dataType(type).orElseThrow(() -> new UnreadableEvent("Unknown event type " + type));
        if (record.value() == null) {
            throw new UnreadableEvent("A " + type + " record without data");
        }
        UserEvent event;
        try {
            event = json.readValue(record.value(), dataType);
        } catch (JacksonException e) {
            throw new UnreadableEvent("The data is not a readable " + type + ": " + e.getOriginalMessage());
        }
        String id = header(record, CloudEventHeaders.ID);
        if (event.eventId() == null || !event.eventId().toString().equals(id)) {
            throw new UnreadableEvent("The data's eventId does not match ce_id " + id);
        }
        if (event.userId() == null || event.occurredAt() == null) {
            throw new UnreadableEvent("A " + type + " without userId or occurredAt");
        }
        return event;
    }

    /** The last value of a header, as text; {@code null} when the record has none. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
