package dev.meridian.audit.intake;

import static dev.meridian.starters.eventintake.UserEventReader.header;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.UserEvent;
import dev.meridian.starters.eventintake.UnreadableEvent;
import dev.meridian.starters.eventintake.UserEventReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A user event as it arrived on Kafka (CloudEvents binary mode): attributes from the {@code ce_} headers, data
 * read into the record its type names, so that only events this build understands enter the log.
 *
 * @param json the data exactly as published, which the log keeps
 * @param traceId the W3C trace id of the {@code traceparent} header, if the event carried one
 */
record ArrivedEvent(String type, String source, UserEvent data, String json, String traceId) {

    static ArrivedEvent read(ConsumerRecord<String, String> record, UserEventReader reader) {
        if (header(record, CloudEventHeaders.ID) == null
                || header(record, CloudEventHeaders.SOURCE) == null
                || !CloudEventHeaders.SPEC_VERSION_1_0.equals(header(record, CloudEventHeaders.SPEC_VERSION))) {
            throw new UnreadableEvent("Not a CloudEvents 1.0 record: ce_id, ce_source or ce_specversion missing");
        }
        UserEvent data = reader.read(record);
        return new ArrivedEvent(
                data.type(),
                header(record, CloudEventHeaders.SOURCE),
                data,
                record.value(),
                traceId(header(record, "traceparent")));
    }

    /** {@code version-traceid-parentid-flags}, as W3C Trace Context writes it. */
    private static String traceId(String traceParent) {
        if (traceParent == null) {
            return null;
        }
        String[] parts = traceParent.split("-");
        return parts.length == 4 && parts[1].length() == 32 ? parts[1] : null;
    }
}
