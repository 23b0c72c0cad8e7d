package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The user signed in with one of their single-use recovery codes instead of the second factor (the app lost, or
 * someone holding the password and a code); {@code remaining} unused codes are left. Published by auth-service
 * ({@link UserEvents#AUTH_SOURCE}); never carries the code.
 */
public record RecoveryCodeUsed(UUID eventId, UUID userId, UUID actorId, Instant occurredAt, int remaining)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("recovery-code-used", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
