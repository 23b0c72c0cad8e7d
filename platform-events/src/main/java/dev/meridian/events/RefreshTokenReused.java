package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A refresh token of the user that had already been rotated was presented again, so it was stolen or leaked:
 * auth-service revoked the whole token family (the refresh and access tokens of that sign-in). Published by
 * auth-service ({@link UserEvents#AUTH_SOURCE}); {@code actorId} is {@code null}, the system acted.
 */
public record RefreshTokenReused(
        UUID eventId, UUID userId, UUID actorId, Instant occurredAt, String clientId, String authorizationId)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("refresh-token-reused", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
