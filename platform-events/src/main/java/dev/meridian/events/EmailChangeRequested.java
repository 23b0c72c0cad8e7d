package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The user asked to change their address to {@code newEmail}; it applies only once confirmed there. Two mails are
 * due: a confirmation to {@code newEmail} (link fetched by {@code confirmRequestId}) and a notice to
 * {@code currentEmail} with a "this wasn't me" link (fetched by {@code cancelRequestId}).
 */
public record EmailChangeRequested(
        UUID eventId,
        UUID userId,
        UUID actorId,
        Instant occurredAt,
        String currentEmail,
        String newEmail,
        String name,
        UUID confirmRequestId,
        UUID cancelRequestId)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("email-change-requested", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
