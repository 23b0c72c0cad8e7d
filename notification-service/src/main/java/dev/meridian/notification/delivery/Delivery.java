package dev.meridian.notification.delivery;

import dev.meridian.notification.mail.MailKind;
import java.time.Instant;
import java.util.UUID;

/** The mail one event asked for, and how sending it went. */
public record Delivery(
        UUID eventId,
        MailKind kind,
        UUID userId,
        String recipient,
        Status status,
        int attempts,
        String lastError,
        Instant createdAt,
        Instant updatedAt,
        Instant sentAt) {

    public enum Status {
        /** The SMTP server took the mail. */
        SENT,
        /** The last attempt failed; the event is retried, and dead-lettered when out of attempts. */
        FAILED,
        /** Waiting for its link from user-service; the scheduled sender retries it with back-off. */
        DUE,
        /** Not sent, and never will be: {@code lastError} says why (e.g. the link's request was used or expired). */
        SKIPPED
    }
}
