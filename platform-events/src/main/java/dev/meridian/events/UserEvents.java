package dev.meridian.events;

import java.util.Map;
import java.util.Optional;

/**
 * Where user events travel and how they are labelled, shared by the publishers (user-service for account changes,
 * auth-service for security events such as {@link RefreshTokenReused}) and every consumer. Events are keyed by user id so that one user's events stay in order on one partition.
 */
public final class UserEvents {

    /** The Kafka topic carrying every user event, keyed by user id. */
    public static final String TOPIC = "user-events";

    /** The CloudEvents {@code source} attribute of events published by user-service. */
    public static final String SOURCE = "/meridian/user-service";

    /** The CloudEvents {@code source} attribute of the security events auth-service publishes about a user. */
    public static final String AUTH_SOURCE = "/meridian/auth-service";

    /** Prefix of every CloudEvents {@code type} Meridian publishes, e.g. {@code dev.meridian.user.created.v1}. */
    public static final String TYPE_PREFIX = "dev.meridian.user.";

    private UserEvents() {}

    /**
     * The record a CloudEvents {@code type}'s data reads into; empty for a type, or a version of one, this build
     * does not know, which a consumer must not guess at.
     */
    public static Optional<Class<? extends UserEvent>> dataType(String type) {
        return Optional.ofNullable(type).map(Known.DATA_TYPES::get);
    }

    /** A holder, initialised on first use: the records' TYPE constants are themselves built by {@link #type}. */
    private static final class Known {
        static final Map<String, Class<? extends UserEvent>> DATA_TYPES = Map.ofEntries(
                Map.entry(UserCreated.TYPE, UserCreated.class),
                Map.entry(UserUpdated.TYPE, UserUpdated.class),
                Map.entry(UserDeactivated.TYPE, UserDeactivated.class),
                Map.entry(UserActivated.TYPE, UserActivated.class),
                Map.entry(RefreshTokenReused.TYPE, RefreshTokenReused.class),
                Map.entry(EmailVerificationRequested.TYPE, EmailVerificationRequested.class),
                Map.entry(EmailVerified.TYPE, EmailVerified.class),
                Map.entry(SignUpWithExistingEmail.TYPE, SignUpWithExistingEmail.class),
                Map.entry(PasswordResetRequested.TYPE, PasswordResetRequested.class),
                Map.entry(EmailChangeRequested.TYPE, EmailChangeRequested.class),
                Map.entry(EmailChangeCancelled.TYPE, EmailChangeCancelled.class),
                Map.entry(SessionsRevoked.TYPE, SessionsRevoked.class),
                Map.entry(SecondFactorEnrolled.TYPE, SecondFactorEnrolled.class),
                Map.entry(SecondFactorRemoved.TYPE, SecondFactorRemoved.class),
                Map.entry(RecoveryCodeUsed.TYPE, RecoveryCodeUsed.class),
                Map.entry(RecoveryCodesRegenerated.TYPE, RecoveryCodesRegenerated.class),
                Map.entry(UserDeleted.TYPE, UserDeleted.class));
    }

    /** The CloudEvents {@code type} of a user event, as {@code dev.meridian.user.<name>.v<version>}. */
    public static String type(String name, int version) {
        return TYPE_PREFIX + name + ".v" + version;
    }
}
