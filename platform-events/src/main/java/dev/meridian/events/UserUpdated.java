package dev.meridian.events;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * An account's details changed. {@code changed} names the fields that changed ({@code email}, {@code name},
 * {@code password}); {@code email} and {@code name} are the values after the change, and {@code previousEmail}
 * is set when the email changed, so a consumer can confirm the new address and tell the old one.
 * {@code actorTokenId} is the {@code jti} of the access token the change was made with (an identifier, not the
 * token; {@code null} when unknown): when a credential changed, auth-service ends every other session of the user
 * and keeps that one.
 */
public record UserUpdated(
        UUID eventId,
        UUID userId,
        UUID actorId,
        Instant occurredAt,
        Set<String> changed,
        String email,
        String name,
        String previousEmail,
        String actorTokenId)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("updated", 1);

    public static final String EMAIL = "email";
    public static final String NAME = "name";
    public static final String PASSWORD = "password";

    @Override
    public String type() {
        return TYPE;
    }
}
