package dev.meridian.events;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A new account exists, by sign-up or created by an administrator. {@code emailVerified} says whether its address
 * is already known to reach the user (an account signed up for is not until {@link EmailVerified}); {@code null} from
 * a producer older than the field, read as verified.
 */
public record UserCreated(
        UUID eventId,
        UUID userId,
        UUID actorId,
        Instant occurredAt,
        String email,
        String name,
        Set<String> roles,
        Boolean emailVerified)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("created", 1);

    /** An event as producers before {@code emailVerified} wrote it. */
    public UserCreated(
            UUID eventId, UUID userId, UUID actorId, Instant occurredAt, String email, String name, Set<String> roles) {
        this(eventId, userId, actorId, occurredAt, email, name, roles, null);
    }

    /** Whether mail other than a verification mail may go to the address: only once it is verified. */
    public boolean mayReceiveMail() {
        return !Boolean.FALSE.equals(emailVerified);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
