package dev.meridian.notification.links;

import dev.meridian.notification.delivery.Deliveries;
import dev.meridian.notification.mail.MailKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The mails waiting for a link from user-service ({@code due_delivery}). The Kafka listener only records them here,
 * so it never waits on user-service; {@link DueMailSender} sends them.
 */
@Repository
public class DueMails {

    private static final TypeReference<Map<String, String>> VARIABLES = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final Deliveries deliveries;
    private final JsonMapper json;

    DueMails(JdbcClient jdbc, Deliveries deliveries, JsonMapper json) {
        this.jdbc = jdbc;
        this.deliveries = deliveries;
        this.json = json;
    }

    /**
     * Records that a mail with the link of one-time request {@code requestId} is due, once per (event, kind): a
     * redelivered event changes nothing. {@code variables} is everything else the mail says, from the event.
     */
    @Transactional
    public void due(Deliveries.Attempt attempt, UUID requestId, Map<String, String> variables) {
        jdbc.sql("""
                        insert into due_delivery (event_id, kind, user_id, recipient, request_id, variables)
                        values (:eventId, :kind, :userId, :recipient, :requestId, cast(:variables as jsonb))
                        on conflict (event_id, kind) do nothing
                        """)
                .param("eventId", attempt.eventId())
                .param("kind", attempt.kind().name())
                .param("userId", attempt.userId())
                .param("recipient", attempt.recipient())
                .param("requestId", requestId)
                .param("variables", json.writeValueAsString(variables))
                .update();
        deliveries.due(attempt);
    }

    /**
     * The due mail waited on longest whose time has come, locked until the caller's transaction ends; rows another
     * instance's sender holds are skipped, so each due mail is worked on by one sender at a time.
     */
    Optional<Due> lockNext() {
        return jdbc.sql("""
                        select event_id, kind, user_id, recipient, request_id, variables, attempts, created_at
                          from due_delivery
                         where next_attempt_at <= now()
                         order by next_attempt_at
                         limit 1
                           for update skip locked
                        """).query(this::due).optional();
    }

    void retryLater(Due due, Duration after, String error) {
        jdbc.sql("""
                        update due_delivery
                           set attempts = attempts + 1, next_attempt_at = now() + :after * interval '1 millisecond',
                               last_error = :error
                         where event_id = :eventId and kind = :kind
                        """)
                .param("after", after.toMillis())
                .param("error", error)
                .param("eventId", due.attempt().eventId())
                .param("kind", due.attempt().kind().name())
                .update();
    }

    void done(Due due) {
        jdbc.sql("delete from due_delivery where event_id = :eventId and kind = :kind")
                .param("eventId", due.attempt().eventId())
                .param("kind", due.attempt().kind().name())
                .update();
    }

    /** A due mail as stored, and how many attempts failed so far. */
    record Due(
            Deliveries.Attempt attempt,
            UUID requestId,
            Map<String, String> variables,
            int attempts,
            Instant createdAt) {}

    private Due due(ResultSet row, int rowNumber) throws SQLException {
        return new Due(
                new Deliveries.Attempt(
                        row.getObject("event_id", UUID.class),
                        MailKind.valueOf(row.getString("kind")),
                        row.getObject("user_id", UUID.class),
                        row.getString("recipient")),
                row.getObject("request_id", UUID.class),
                json.readValue(row.getString("variables"), VARIABLES),
                row.getInt("attempts"),
                row.getTimestamp("created_at").toInstant());
    }

    /** A deleted user's mails waiting for a link, with the name and addresses they were to say: gone. */
    public void forget(UUID userId) {
        jdbc.sql("delete from due_delivery where user_id = :userId")
                .param("userId", userId)
                .update();
    }
}
