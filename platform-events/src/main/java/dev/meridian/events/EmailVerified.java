package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The user proved they read mail at {@code email} (a verification link or code): the account may now receive
 * other mail.
 */
public record EmailVerified(UUID eventId, UUID userId, UUID actorId, Instant occurredAt, String email, String name)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("email-verified", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
