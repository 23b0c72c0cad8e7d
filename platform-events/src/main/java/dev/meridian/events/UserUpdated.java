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
 * and keeps that one. {@code emailVerified} is whether the address (after the change) is verified; {@code null} from
 * a producer older than the field, read as verified.
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
        String actorTokenId,
        Boolean emailVerified)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("updated", 1);

    /** An event as producers before {@code emailVerified} wrote it. */
    public UserUpdated(
            UUID eventId,
            UUID userId,
            UUID actorId,
            Instant occurredAt,
            Set<String> changed,
            String email,
            String name,
            String previousEmail,
            String actorTokenId) {
        this(eventId, userId, actorId, occurredAt, changed, email, name, previousEmail, actorTokenId, null);
    }

    /** Whether mail other than a verification mail may go to the address: only once it is verified. */
    public boolean mayReceiveMail() {
        return !Boolean.FALSE.equals(emailVerified);
    }

    public static final String EMAIL = "email";
    public static final String NAME = "name";
    public static final String PASSWORD = "password";

    @Override
    public String type() {
        return TYPE;
    }
}
