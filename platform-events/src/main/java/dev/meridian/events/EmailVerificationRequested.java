package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A verification mail is due to {@code email}: after sign-up, or asked for again. It carries no link or code: the
 * mailer fetches them from user-service by {@code requestId} ({@code POST /internal/mail-links}), so no secret
 * travels in Kafka or lands in the audit log.
 */
public record EmailVerificationRequested(
        UUID eventId, UUID userId, UUID actorId, Instant occurredAt, String email, String name, UUID requestId)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("email-verification-requested", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
