package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A password reset was asked for this account's address: a mail with a reset link is due. The link is fetched from
 * user-service by {@code requestId}, never carried here.
 */
public record PasswordResetRequested(
        UUID eventId, UUID userId, UUID actorId, Instant occurredAt, String email, String name, UUID requestId)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("password-reset-requested", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
