package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * Someone signed up with the address of this existing account. Sign-up answers them as for a new address, so it does
 * not tell who has an account; the owner is told by mail instead.
 */
public record SignUpWithExistingEmail(
        UUID eventId, UUID userId, UUID actorId, Instant occurredAt, String email, String name) implements UserEvent {

    public static final String TYPE = UserEvents.type("sign-up-with-existing-email", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
