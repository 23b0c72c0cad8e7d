package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/** A deactivated account can sign in again. */
public record UserActivated(UUID eventId, UUID userId, UUID actorId, Instant occurredAt) implements UserEvent {

    public static final String TYPE = UserEvents.type("activated", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
