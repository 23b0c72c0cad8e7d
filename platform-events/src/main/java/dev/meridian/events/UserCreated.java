package dev.meridian.events;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A new account exists, by sign-up or created by an administrator. */
public record UserCreated(
        UUID eventId, UUID userId, UUID actorId, Instant occurredAt, String email, String name, Set<String> roles)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("created", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
