package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The user made {@code recoveryCodes} new single-use recovery codes for their second factor (after typing the
 * password again); every earlier code stopped working. Someone else doing it would hold codes that sign in with the
 * password alone, so the owner is told. Published by auth-service ({@link UserEvents#AUTH_SOURCE}); never carries a
 * code.
 */
public record RecoveryCodesRegenerated(UUID eventId, UUID userId, UUID actorId, Instant occurredAt, int recoveryCodes)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("recovery-codes-regenerated", 1);

    @Override
    public String type() {
        return TYPE;
    }
}
