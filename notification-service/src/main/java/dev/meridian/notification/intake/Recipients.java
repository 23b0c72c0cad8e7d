package dev.meridian.notification.intake;

import dev.meridian.notification.delivery.Deliveries;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Where each user is mailed: the address and name of their latest account event, for the mails whose events carry
 * neither (auth-service's security events name only the user). Built from the events, as the architecture has
 * cross-service reads built, rather than a call to user-service from the listener.
 */
@Repository
class Recipients {

    private final JdbcClient jdbc;

    Recipients(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What a mail to the user is addressed to and greets them with; {@code verified}: the address was proven. */
    record Recipient(String email, String name, boolean verified) {}

    /** Keeps the user's address as of {@code at}, unless a later event set it, or the user was deleted. */
    void remember(UUID userId, String email, String name, boolean verified, Instant at) {
        jdbc.sql("""
                        insert into recipient (user_id, email, name, verified, as_of)
                        values (:userId, :email, :name, :verified, :at)
                        on conflict (user_id) do update
                           set email = excluded.email, name = excluded.name, verified = excluded.verified,
                               as_of = excluded.as_of
                         where recipient.as_of <= excluded.as_of and recipient.email <> :erased
                        """)
                .param("userId", userId)
                .param("email", email)
                .param("name", name)
                .param("verified", verified)
                .param("at", Timestamp.from(at))
                .param("erased", Deliveries.ERASED)
                .update();
    }

    /** The user's verified address, if one is known. */
    Optional<Recipient> verified(UUID userId) {
        return jdbc.sql("select email, name, verified from recipient where user_id = :userId and verified"
                        + " and email <> '" + Deliveries.ERASED + "'")
                .param("userId", userId)
                .query((row, n) -> new Recipient(row.getString("email"), row.getString("name"), true))
                .optional();
    }

    /** A deleted user: address and name gone for good; the tombstone keeps earlier events from bringing them back. */
    void forget(UUID userId) {
        jdbc.sql("""
                        insert into recipient (user_id, email, name, verified, as_of)
                        values (:userId, :erased, null, false, 'infinity')
                        on conflict (user_id) do update
                           set email = excluded.email, name = null, verified = false, as_of = excluded.as_of
                        """).param("userId", userId).param("erased", Deliveries.ERASED).update();
    }
}
