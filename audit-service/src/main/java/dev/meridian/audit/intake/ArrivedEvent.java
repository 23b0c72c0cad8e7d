package dev.meridian.audit.intake;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserEvents;
import dev.meridian.starters.eventintake.UnreadableEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A user event as it arrived on Kafka (CloudEvents binary mode): attributes from the {@code ce_} headers, data
 * read into the record its type names, so that only events this build understands enter the log.
 *
 * @param json the data exactly as published, which the log keeps
 * @param traceId the W3C trace id of the {@code traceparent} header, if the event carried one
 */
record ArrivedEvent(String type, String source, UserEvent data, String json, String traceId) {

    static ArrivedEvent read(ConsumerRecord<String, String> record, JsonMapper mapper) {
        String type = header(record, CloudEventHeaders.TYPE);
        String id = header(record, CloudEventHeaders.ID);
        String source = header(record, CloudEventHeaders.SOURCE);
        if (id == null
                || source == null
                || !CloudEventHeaders.SPEC_VERSION_1_0.equals(header(record, CloudEventHeaders.SPEC_VERSION))) {
            throw new UnreadableEvent("Not a CloudEvents 1.0 record: ce_id, ce_source or ce_specversion missing");
        }
        Class<? extends UserEvent> dataType =
                UserEvents.dataType(type).orElseThrow(() -> new UnreadableEvent("Unknown event type " + type));
        if (record.value() == null) {
            throw new UnreadableEvent("A " + type + " record without data");
        }
        UserEvent data;
        try {
            data = mapper.readValue(record.value(), dataType);
        } catch (JacksonException e) {
            throw new UnreadableEvent("The data is not a readable " + type + ": " + e.getOriginalMessage());
        }
        if (data.eventId() == null || !data.eventId().toString().equals(id)) {
            throw new UnreadableEvent("The data's eventId does not match ce_id " + id);
        }
        if (data.userId() == null || data.occurredAt() == null) {
            throw new UnreadableEvent("A " + type + " without userId or occurredAt");
        }
        return new ArrivedEvent(type, source, data, record.value(), traceId(header(record, "traceparent")));
    }

    /** {@code version-traceid-parentid-flags}, as W3C Trace Context writes it. */
    private static String traceId(String traceParent) {
        if (traceParent == null) {
            return null;
        }
        String[] parts = traceParent.split("-");
        return parts.length == 4 && parts[1].length() == 32 ? parts[1] : null;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
