package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The user added a second factor of kind {@code factor} ({@link #TOTP}: an authenticator app; {@link #PASSKEY}: a
 * WebAuthn credential, one event per passkey) and was given {@code recoveryCodes} single-use recovery codes with it
 * (none with a passkey: the user makes them on the second-factor page). From now
 * on their sign-ins ask for it. Published by auth-service ({@link UserEvents#AUTH_SOURCE}); never carries the secret
 * or a code.
 */
public record SecondFactorEnrolled(
        UUID eventId, UUID userId, UUID actorId, Instant occurredAt, String factor, int recoveryCodes)
        implements UserEvent {

    public static final String TYPE = UserEvents.type("second-factor-enrolled", 1);
    public static final String TOTP = "totp";
    public static final String PASSKEY = "passkey";

    @Override
    public String type() {
        return TYPE;
    }
}
