package dev.meridian.events;

import java.time.Instant;
import java.util.UUID;

/**
 * Something that happened to a user account, as published on {@link UserEvents#TOPIC} with the user id as key.
 *
 * <p>Consumers are tolerant readers: they ignore fields they do not know, so fields may be added to these records
 * without a new type version. Removing or changing the meaning of a field needs a new version ({@code .v2}).
 */
public sealed interface UserEvent
        permits UserCreated,
                UserUpdated,
                UserDeactivated,
                UserActivated,
                RefreshTokenReused,
                EmailVerificationRequested,
                EmailVerified,
                SignUpWithExistingEmail,
                PasswordResetRequested,
                EmailChangeRequested,
                EmailChangeCancelled,
                SessionsRevoked,
                SecondFactorEnrolled,
                SecondFactorRemoved,
                RecoveryCodeUsed,
                RecoveryCodesRegenerated,
                UserDeleted {

    /** Unique per event; the idempotency key of every consumer and the CloudEvents {@code id}. */
    UUID eventId();

    /** The user the event is about; the Kafka record key. */
    UUID userId();

    /** Who caused it: the user themself, an administrator, or {@code null} for the system. */
    UUID actorId();

    Instant occurredAt();

    /** The CloudEvents {@code type}, e.g. {@code dev.meridian.user.created.v1}. */
    String type();
}
