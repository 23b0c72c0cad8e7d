package dev.meridian.audit.log;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One user event as the audit log holds it: the {@code version}-th entry of the user's stream, with the event's
 * CloudEvents attributes, who acted, the trace it travelled in and its data exactly as published.
 *
 * @param summary a one-line account of the event, without secrets; none on entries recorded before summaries were
 * @param position where the entry sits in the whole log (arrival order); the cursor of {@code /api/audit/events}
 * @param erased the user was erased (GDPR Art. 17): {@code summary} and {@code data} read {@code "erased"}, the
 *     rest of the entry stays
 */
public record AuditEntry(
        long position,
        UUID eventId,
        UUID userId,
        long version,
        String type,
        String summary,
        String source,
        Instant occurredAt,
        Instant recordedAt,
        UUID actorId,
        String traceId,
        JsonNode data,
        boolean erased) {}
