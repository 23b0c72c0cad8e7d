package dev.meridian.audit.log;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The append-only audit log: one stream per user, versions 1, 2, 3, ... without gaps. There is no update or delete
 * here, and the database refuses both (see {@code V1__audit_log.sql}).
 */
@Repository
public class AuditLog {

    private static final String COLUMNS =
            "position, event_id, user_id, version, type, summary, source, occurred_at, recorded_at, actor_id, trace_id, data";

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AuditLog(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Appends the event at the next version of its user's stream. Answers false, and changes nothing, when the event
     * is already in the log: redelivery is a no-op. Two writers racing for one user cannot take the same version
     * (unique constraint); the loser fails and its delivery is retried.
     */
    public boolean append(Append event) {
        return jdbc.sql("""
                        insert into audit_event
                            (event_id, user_id, version, type, summary, source, occurred_at, actor_id, trace_id,
                             data)
                        select :eventId, :userId, coalesce(max(version), 0) + 1, :type, :summary, :source,
                               :occurredAt,
                               :actorId, :traceId, cast(:data as jsonb)
                          from audit_event
                         where user_id = :userId
                        on conflict (event_id) do nothing
                        """)
                        .param("eventId", event.eventId())
                        .param("userId", event.userId())
                        .param("type", event.type())
                        .param("summary", event.summary())
                        .param("source", event.source())
                        .param("occurredAt", Timestamp.from(event.occurredAt()))
                        .param("actorId", event.actorId())
                        .param("traceId", event.traceId())
                        .param("data", event.data())
                        .update()
                == 1;
    }

    /** Whether the log holds this event with this data (compared as JSON values, not as text). */
    public boolean holds(UUID eventId, String data) {
        return jdbc.sql("select exists (select 1 from audit_event where event_id = :eventId"
                        + " and data = cast(:data as jsonb))")
                .param("eventId", eventId)
                .param("data", data)
                .query(Boolean.class)
                .single();
    }

    /** The user's stream from {@code fromVersion} on, oldest first. */
    public List<AuditEntry> stream(UUID userId, long fromVersion, int limit) {
        return jdbc.sql("select " + COLUMNS + """
                         from audit_event
                        where user_id = :userId and version >= :fromVersion
                        order by version
                        limit :limit
                        """)
                .param("userId", userId)
                .param("fromVersion", fromVersion)
                .param("limit", limit)
                .query(this::entry)
                .list();
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
        return query.query(this::entry).list();
    }

    private AuditEntry entry(ResultSet row, int rowNumber) throws SQLException {
        return new AuditEntry(
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
                json.readTree(row.getString("data")));
    }

    /** An event to append; {@code data} is the event's JSON as published. */
    public record Append(
            UUID eventId,
            UUID userId,
            String type,
            String summary,
            String source,
            Instant occurredAt,
            UUID actorId,
            String traceId,
            String data) {}
}
