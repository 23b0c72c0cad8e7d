package dev.meridian.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Kafka header names of the CloudEvents 1.0 Kafka protocol binding in binary mode: the event's
 * attributes travel as {@code ce_}-prefixed headers and the record value is the event data alone.
 */
public final class CloudEventHeaders {

    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SPEC_VERSION = "ce_specversion";
    public static final String SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";

    public static final String SPEC_VERSION_1_0 = "1.0";

    private CloudEventHeaders() {}

    /** The headers of a user event: its attributes, with the user as subject and JSON data. */
    public static Map<String, String> of(UUID id, String type, String source, Instant time, UUID userId) {
        var headers = new LinkedHashMap<String, String>();
        headers.put(ID, id.toString());
        headers.put(TYPE, type);
        headers.put(SOURCE, source);
        headers.put(TIME, time.toString());
        headers.put(SPEC_VERSION, SPEC_VERSION_1_0);
        headers.put(SUBJECT, userId.toString());
        headers.put(CONTENT_TYPE, "application/json");
        return headers;
    }

    /** The headers of a user event published by {@code source}. */
    public static Map<String, String> of(UserEvent event, String source) {
        return of(event.eventId(), event.type(), source, event.occurredAt(), event.userId());
    }
}
