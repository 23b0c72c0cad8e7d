package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The account no longer exists. {@code reason}: {@code never-verified} when it was removed for never verifying its
 * address, {@code self} when its owner deleted it (after re-authentication), {@code administrator} when an
 * administrator did; {@code actorId} is who deleted it ({@code null} for the clean-up job). Consumers forget what
 * they hold of the user (GDPR Art. 17): auth-service its authorizations, consents and sign-in records,
 * notification-service the address and name in its delivery records, audit-service the user's data key, so the
 * entries it keeps show their versions and types but no personal data. No personal data travels in this event.
 */
public record UserDeleted(UUID eventId, UUID userId, UUID actorId, Instant occurredAt, String reason)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("deleted", 1);

    public static final String NEVER_VERIFIED = "never-verified";
    public static final String SELF = "self";
    public static final String ADMINISTRATOR = "administrator";

    @Override
    public String type() {
        return TYPE;
    }
}
