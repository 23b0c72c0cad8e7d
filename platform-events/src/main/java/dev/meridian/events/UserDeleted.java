package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The account no longer exists ({@code reason}: {@code never-verified} when it was removed for never verifying its
 * address). Consumers forget what they hold of the user that is not a record the audit trail keeps.
 */
public record UserDeleted(UUID eventId, UUID userId, UUID actorId, Instant occurredAt, String reason)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("deleted", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
