package dev.meridian.notification.delivery;

import dev.meridian.notification.delivery.Delivery.Status;
import dev.meridian.notification.mail.MailKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Every mail an event asked for, keyed by event id: the memory that keeps a redelivered event from mailing twice. */
@Repository
public class Deliveries {

    private static final String COLUMNS =
            "event_id, kind, user_id, recipient, status, attempts, last_error, created_at, updated_at, sent_at";

    private final JdbcClient jdbc;

    Deliveries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records an attempt to send the event's mail. Answers false, recording nothing, when that mail was already sent.
     */
    public boolean attempt(UUID eventId, MailKind kind, UUID userId, String recipient) {
        return jdbc.sql("""
                        insert into delivery (event_id, kind, user_id, recipient, status, attempts)
                        values (:eventId, :kind, :userId, :recipient, 'SENDING', 1)
                        on conflict (event_id) do update
                           set attempts = delivery.attempts + 1, status = 'SENDING', updated_at = now()
                         where delivery.status <> 'SENT'
                        """)
                        .param("eventId", eventId)
                        .param("kind", kind.name())
                        .param("userId", userId)
                        .param("recipient", recipient)
                        .update()
                == 1;
    }

    public void sent(UUID eventId) {
        jdbc.sql("""
                        update delivery set status = 'SENT', last_error = null, sent_at = now(), updated_at = now()
                         where event_id = :eventId
                        """).param("eventId", eventId).update();
    }

    public void failed(UUID eventId, String error) {
        jdbc.sql(
                        "update delivery set status = 'FAILED', last_error = :error, updated_at = now() where event_id = :eventId")
                .param("eventId", eventId)
                .param("error", error)
                .update();
    }

    public Optional<Delivery> find(UUID eventId) {
        return jdbc.sql("select " + COLUMNS + " from delivery where event_id = :eventId")
                .param("eventId", eventId)
                .query(Deliveries::delivery)
                .optional();
    }

    /** Newest first, optionally only those in one status, created before {@code before}. */
    public List<Delivery> recent(Optional<Status> status, Instant before, int limit) {
        String onlyStatus = status.isPresent() ? " and status = :status" : "";
        var query = jdbc.sql("select " + COLUMNS + " from delivery where created_at < :before" + onlyStatus
                        + " order by created_at desc limit :limit")
                .param("before", Timestamp.from(before))
                .param("limit", limit);
        if (status.isPresent()) {
            query = query.param("status", status.get().name());
        }
        return query.query(Deliveries::delivery).list();
    }

    private static Delivery delivery(ResultSet row, int rowNumber) throws SQLException {
        Timestamp sentAt = row.getTimestamp("sent_at");
        return new Delivery(
                row.getObject("event_id", UUID.class),
                MailKind.valueOf(row.getString("kind")),
                row.getObject("user_id", UUID.class),
                row.getString("recipient"),
                Status.valueOf(row.getString("status")),
                row.getInt("attempts"),
                row.getString("last_error"),
                row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant(),
                sentAt == null ? null : sentAt.toInstant());
    }
}
