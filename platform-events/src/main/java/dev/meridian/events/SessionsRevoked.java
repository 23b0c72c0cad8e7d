package dev.meridian.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Sessions of the user were ended by the user or an administrator ({@code actorId}) from the sessions API:
 * {@code authorizationIds} the authorizations ended, {@code everywhere} when all were. Published by auth-service
 * ({@link UserEvents#AUTH_SOURCE}).
 */
public record SessionsRevoked(
        UUID eventId, UUID userId, UUID actorId, Instant occurredAt, List<String> authorizationIds, boolean everywhere)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("sessions-revoked", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
