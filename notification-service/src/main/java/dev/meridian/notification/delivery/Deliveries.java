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

/**
 * Every mail an event asked for, keyed by event id and kind: the memory that keeps a redelivered event from mailing
 * twice.
 */
@Repository
public class Deliveries {

    private static final String COLUMNS =
            "event_id, kind, user_id, recipient, status, attempts, last_error, created_at, updated_at, sent_at";

    /** What a deleted user's deliveries name as recipient: the address is forgotten, the bookkeeping stays. */
    public static final String ERASED = "erased";

    private final JdbcClient jdbc;

    Deliveries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The address this mail of the event was sent to, if it was sent: a redelivered event must not send it again;
     * {@link #ERASED} for any mail of a user deleted since, which is not sent either.
     */
    public Optional<String> sentTo(UUID eventId, MailKind kind) {
        return jdbc.sql("select recipient from delivery where event_id = :eventId and kind = :kind"
                        + " and (status = 'SENT' or recipient = '" + ERASED + "')")
                .param("eventId", eventId)
                .param("kind", kind.name())
                .query(String.class)
                .optional();
    }

    /** Whether this mail of the event is settled (sent, or skipped for good): nothing more to do on redelivery. */
    public boolean settled(UUID eventId, MailKind kind) {
        return jdbc.sql("select exists (select 1 from delivery where event_id = :eventId and kind = :kind"
                        + " and status in ('SENT', 'SKIPPED'))")
                .param("eventId", eventId)
                .param("kind", kind.name())
                .query(Boolean.class)
                .single();
    }

    /** Records a mail waiting for its link, once: a redelivered event leaves the row as it is. */
    public void due(Attempt attempt) {
        jdbc.sql("""
                        insert into delivery (event_id, kind, user_id, recipient, status, attempts)
                        values (:eventId, :kind, :userId, :recipient, 'DUE', 0)
                        on conflict (event_id, kind) do nothing
                        """)
                .param("eventId", attempt.eventId())
                .param("kind", attempt.kind().name())
                .param("userId", attempt.userId())
                .param("recipient", attempt.recipient())
                .update();
    }

    /**
     * Forgets a deleted user's address (GDPR Art. 17): every delivery of theirs keeps its event, kind, status and times
     * — the exactly-once bookkeeping — with the recipient and any error text (which may quote the address) gone; a
     * mail not sent yet is {@code SKIPPED} ("account deleted"). Idempotent.
     */
    public int forget(UUID userId) {
        return jdbc.sql("""
                        update delivery
                           set recipient = :erased,
                               status = case when status = 'SENT' then status else 'SKIPPED' end,
                               last_error = case when status = 'SENT' then null else 'account deleted' end,
                               updated_at = now()
                         where user_id = :userId and recipient <> :erased
                        """).param("erased", ERASED).param("userId", userId).update();
    }

    /** An attempt that could not get the mail's link (user-service down, breaker open): still due. */
    public void stillDue(Attempt attempt, String error) {
        record(attempt, Status.DUE, error);
    }

    /** A mail that will not be sent, with the reason. */
    public void skipped(Attempt attempt, String reason) {
        record(attempt, Status.SKIPPED, reason);
    }

    /** Records a mail the SMTP server took. One statement per outcome keeps the hot path at one commit per mail. */
    public void sent(Attempt attempt) {
        record(attempt, Status.SENT, null);
    }

    public void failed(Attempt attempt, String error) {
        record(attempt, Status.FAILED, error);
    }

    private void record(Attempt attempt, Status status, String error) {
        jdbc.sql("""
                        insert into delivery (event_id, kind, user_id, recipient, status, attempts, last_error, sent_at)
                        values (:eventId, :kind, :userId, :recipient, :status, 1, :error,
                                case when :status = 'SENT' then now() end)
                        on conflict (event_id, kind) do update
                           set status = excluded.status, attempts = delivery.attempts + 1,
                               last_error = excluded.last_error, sent_at = excluded.sent_at, updated_at = now()
                        """)
                .param("eventId", attempt.eventId())
                .param("kind", attempt.kind().name())
                .param("userId", attempt.userId())
                .param("recipient", attempt.recipient())
                .param("status", status.name())
                .param("error", error)
                .update();
    }

    /** The event's mail of this kind, or when no kind is given the first one it asked for. */
    public Optional<Delivery> find(UUID eventId, Optional<MailKind> kind) {
        String onlyKind = kind.isPresent() ? " and kind = :kind" : "";
        var query = jdbc.sql("select " + COLUMNS + " from delivery where event_id = :eventId" + onlyKind
                        + " order by created_at limit 1")
                .param("eventId", eventId);
        if (kind.isPresent()) {
            query = query.param("kind", kind.get().name());
        }
        return query.query(Deliveries::delivery).optional();
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

    /**
     * One user's mails, oldest first, after the one {@code after} names (all from the first when empty): ordered by
     * creation time, event and kind, so that mails created in the same instant page neither twice nor never.
     */
    public List<Delivery> ofUser(UUID userId, Optional<Position> after, int limit) {
        String from = after.isPresent() ? " and (created_at, event_id, kind) > (:createdAt, :eventId, :kind)" : "";
        var query = jdbc.sql("select " + COLUMNS + " from delivery where user_id = :userId" + from
                        + " order by created_at, event_id, kind limit :limit")
                .param("userId", userId)
                .param("limit", limit);
        if (after.isPresent()) {
            query = query.param("createdAt", Timestamp.from(after.get().createdAt()))
                    .param("eventId", after.get().eventId())
                    .param("kind", after.get().kind().name());
        }
        return query.query(Deliveries::delivery).list();
    }

    /** Where a delivery sits in a user's mails, oldest first: the cursor of {@link #ofUser}. */
    public record Position(Instant createdAt, UUID eventId, MailKind kind) {

        public static Position of(Delivery delivery) {
            return new Position(delivery.createdAt(), delivery.eventId(), delivery.kind());
        }
    }

    /** One try at sending the mail an event asked for. */
    public record Attempt(UUID eventId, MailKind kind, UUID userId, String recipient) {}

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
