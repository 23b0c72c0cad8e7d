package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The owner of the current address said a requested change was not theirs: it will not apply, the account's address
 * is locked against changes until the owner acts, and auth-service ends every session of the user.
 */
public record EmailChangeCancelled(
        UUID eventId, UUID userId, UUID actorId, Instant occurredAt, String email, String name) implements UserEvent {

    public static final String TYPE = UserEvents.type("email-change-cancelled", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
