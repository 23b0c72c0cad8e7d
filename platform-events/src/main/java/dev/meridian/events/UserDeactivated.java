package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/** The account can no longer sign in until it is activated again. */
public record UserDeactivated(UUID eventId, UUID userId, UUID actorId, Instant occurredAt) implements UserEvent {

    public static final String TYPE = UserEvents.type("deactivated", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
