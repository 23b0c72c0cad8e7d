package dev.meridian.audit.log;

import dev.meridian.audit.erasure.DataKeys;
import dev.meridian.audit.erasure.DataKeys.UserKey;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * The append-only audit log: one stream per user, versions 1, 2, 3, ... without gaps. There is no update or delete
 * here, and the database refuses both (see {@code V1__audit_log.sql}). An entry's personal data (the event's data and
 * its summary) is sealed with the user's data key ({@link DataKeys}); once the user is erased it reads as
 * {@value #ERASED}, while version, type, times, actor and trace stay readable.
 */
@Repository
public class AuditLog {

    private static final String COLUMNS =
            "position, event_id, user_id, version, type, summary, source, occurred_at, recorded_at, actor_id, trace_id,"
                    + " data::text as data, sealed";

    /** What an erased user's personal fields read as. */
    public static final String ERASED = "erased";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final DataKeys keys;

    AuditLog(JdbcClient jdbc, JsonMapper json, DataKeys keys) {
        this.jdbc = jdbc;
        this.json = json;
        this.keys = keys;
    }

    /**
     * Appends the event at the next version of its user's stream. Answers false, and changes nothing, when the event
     * is already in the log: redelivery is a no-op. Two writers racing for one user cannot take the same version
     * (unique constraint); the loser fails and its delivery is retried.
     */
    public boolean append(Append event) {
        String summary = event.summary();
        String data = event.data();
        byte[] sealed = null;
        if (event.personal()) {
            // An erased user's late event keeps no personal data: nothing to seal it with, and no new key is made.
            Optional<UserKey> key = keys.forWriting(event.userId());
            if (key.isPresent()) {
                ObjectNode personal = json.createObjectNode();
                personal.put("summary", summary);
                personal.set("data", json.readTree(data));
                sealed = key.get().seal(event.eventId(), json.writeValueAsBytes(personal));
            }
            summary = null;
            data = null;
        }
        return jdbc.sql("""
                        insert into audit_event
                            (event_id, user_id, version, type, summary, source, occurred_at, actor_id, trace_id,
                             data, sealed)
                        select :eventId, :userId, coalesce(max(version), 0) + 1, :type, :summary, :source,
                               :occurredAt,
                               :actorId, :traceId, cast(:data as jsonb), :sealed
                          from audit_event
                         where user_id = :userId
                        on conflict (event_id) do nothing
                        """)
                        .param("eventId", event.eventId())
                        .param("userId", event.userId())
                        .param("type", event.type())
                        .param("summary", summary)
                        .param("source", event.source())
                        .param("occurredAt", Timestamp.from(event.occurredAt()))
                        .param("actorId", event.actorId())
                        .param("traceId", event.traceId())
                        .param("data", data)
                        .param("sealed", sealed)
                        .update()
                == 1;
    }

    /**
     * Whether the log holds this event with this data (compared as JSON values, not as text). The entry of an erased
     * user cannot be compared any more: it counts as held, so a redelivery after the erasure is a duplicate.
     */
    public boolean holds(UUID eventId, String data) {
        return jdbc.sql("select " + COLUMNS + " from audit_event where event_id = :eventId")
                .param("eventId", eventId)
                .query(Row::of)
                .optional()
                .map(row -> {
                    AuditEntry entry = open(row, keys.forReading(List.of(row.userId())));
                    return entry.erased() || entry.data().equals(json.readTree(data));
                })
                .orElse(false);
    }

    /** Destroys the user's data key: their entries stay, with their personal data unreadable from now on. */
    public void erase(UUID userId) {
        keys.erase(userId);
    }

    /** The user's stream from {@code fromVersion} on, oldest first. */
    public List<AuditEntry> stream(UUID userId, long fromVersion, int limit) {
        return opened(jdbc.sql("select " + COLUMNS + """
                         from audit_event
                        where user_id = :userId and version >= :fromVersion
                        order by version
                        limit :limit
                        """)
                .param("userId", userId)
                .param("fromVersion", fromVersion)
                .param("limit", limit)
                .query(Row::of)
                .list());
    }

    /** Entries of every user in arrival order after {@code position}, optionally of one type and time range. */
    public List<AuditEntry> search(
            Optional<String> type, Optional<Instant> from, Optional<Instant> to, long after, int limit) {
        List<String> conditions = new ArrayList<>(List.of("position > :after"));
        type.ifPresent(t -> conditions.add("type = :type"));
        from.ifPresent(t -> conditions.add("occurred_at >= :from"));
        to.ifPresent(t -> conditions.add("occurred_at < :to"));
        var query = jdbc.sql("select " + COLUMNS + " from audit_event where " + String.join(" and ", conditions)
                        + " order by position limit :limit")
                .param("after", after)
                .param("limit", limit);
        if (type.isPresent()) {
            query = query.param("type", type.get());
        }
        if (from.isPresent()) {
            query = query.param("from", Timestamp.from(from.get()));
        }
        if (to.isPresent()) {
            query = query.param("to", Timestamp.from(to.get()));
        }
        return opened(query.query(Row::of).list());
    }

    /** The entries with their personal data opened, each user's key read once. */
    private List<AuditEntry> opened(List<Row> rows) {
        Map<UUID, UserKey> userKeys =
                keys.forReading(rows.stream().map(Row::userId).collect(Collectors.toSet()));
        List<AuditEntry> entries = new ArrayList<>(rows.size());
        for (Row row : rows) {
            entries.add(open(row, userKeys));
        }
        return entries;
    }

    private AuditEntry open(Row row, Map<UUID, UserKey> userKeys) {
        String summary = row.summary();
        JsonNode data;
        boolean erased = false;
        if (row.data() != null) {
            data = json.readTree(row.data());
        } else if (row.sealed() != null && userKeys.containsKey(row.userId())) {
            JsonNode personal = json.readTree(
                    new String(userKeys.get(row.userId()).open(row.eventId(), row.sealed()), StandardCharsets.UTF_8));
            summary = personal.path("summary").isString()
                    ? personal.get("summary").asString()
                    : null;
            data = personal.get("data");
        } else {
            summary = ERASED;
            data = StringNode.valueOf(ERASED);
            erased = true;
        }
        return new AuditEntry(
                row.position(),
                row.eventId(),
                row.userId(),
                row.version(),
                row.type(),
                summary,
                row.source(),
                row.occurredAt(),
                row.recordedAt(),
                row.actorId(),
                row.traceId(),
                data,
                erased);
    }

    /** An entry as stored: {@code data} and {@code summary} in plain text, or {@code sealed}, or neither (erased). */
    private record Row(
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
            String data,
            byte[] sealed) {

        static Row of(ResultSet row, int rowNumber) throws SQLException {
            return new Row(
                    row.getLong("position"),
                    row.getObject("event_id", UUID.class),
                    row.getObject("user_id", UUID.class),
                    row.getLong("version"),
                    row.getString("type"),
                    row.getString("summary"),
                    row.getString("source"),
                    row.getTimestamp("occurred_at").toInstant(),
                    row.getTimestamp("recorded_at").toInstant(),
                    row.getObject("actor_id", UUID.class),
                    row.getString("trace_id"),
                    row.getString("data"),
                    row.getBytes("sealed"));
        }
    }

    /**
     * An event to append; {@code data} is the event's JSON as published. {@code personal}: whether data and summary
     * may hold personal data (sealed with the user's key); only the deletion itself is known to hold none.
     */
    public record Append(
            UUID eventId,
            UUID userId,
            String type,
            String summary,
            String source,
            Instant occurredAt,
            UUID actorId,
            String traceId,
            String data,
            boolean personal) {}
}
