package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The user's second factor of kind {@code factor} ({@link SecondFactorEnrolled#TOTP}, …) was removed, with its
 * recovery codes, by {@code actorId} after re-authenticating; sign-ins ask for the password alone again. Published by
 * auth-service ({@link UserEvents#AUTH_SOURCE}).
 */
public record SecondFactorRemoved(UUID eventId, UUID userId, UUID actorId, Instant occurredAt, String factor)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("second-factor-removed", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
