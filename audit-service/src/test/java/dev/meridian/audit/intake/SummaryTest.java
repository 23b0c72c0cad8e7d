package dev.meridian.audit.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.events.EmailChangeCancelled;
import dev.meridian.events.EmailChangeRequested;
import dev.meridian.events.EmailVerificationRequested;
import dev.meridian.events.EmailVerified;
import dev.meridian.events.PasswordResetRequested;
import dev.meridian.events.RecoveryCodeUsed;
import dev.meridian.events.RecoveryCodesRegenerated;
import dev.meridian.events.RefreshTokenReused;
import dev.meridian.events.SecondFactorEnrolled;
import dev.meridian.events.SecondFactorRemoved;
import dev.meridian.events.SessionsRevoked;
import dev.meridian.events.SignUpWithExistingEmail;
import dev.meridian.events.UserActivated;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserDeactivated;
import dev.meridian.events.UserDeleted;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserUpdated;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SummaryTest {

    private static final UUID USER = UUID.randomUUID();
    private static final UUID ADMIN = UUID.randomUUID();
    private static final UUID REQUEST = UUID.randomUUID();
    private static final UUID CANCEL = UUID.randomUUID();
    private static final Instant NOW = Instant.now();

    @Test
    void everyEventTypeHasASummarySayingWhatHappenedAndWhoActedWithoutRequestIds() {
        List<UserEvent> events = List.of(
                new UserCreated(id(), USER, USER, NOW, "ada@example.com", "Ada", Set.of("USER"), false),
                new UserUpdated(
                        id(),
                        USER,
                        ADMIN,
                        NOW,
                        Set.of("email"),
                        "new@example.com",
                        "Ada",
                        "ada@example.com",
                        "jti",
                        true),
                new UserDeactivated(id(), USER, ADMIN, NOW),
                new UserActivated(id(), USER, ADMIN, NOW),
                new RefreshTokenReused(id(), USER, null, NOW, "web", "authorization-1"),
                new EmailVerificationRequested(id(), USER, USER, NOW, "ada@example.com", "Ada", REQUEST),
                new EmailVerified(id(), USER, USER, NOW, "ada@example.com", "Ada"),
                new SignUpWithExistingEmail(id(), USER, null, NOW, "ada@example.com", "Ada"),
                new PasswordResetRequested(id(), USER, null, NOW, "ada@example.com", "Ada", REQUEST),
                new EmailChangeRequested(
                        id(), USER, USER, NOW, "ada@example.com", "new@example.com", "Ada", REQUEST, CANCEL),
                new EmailChangeCancelled(id(), USER, null, NOW, "ada@example.com", "Ada"),
                new SessionsRevoked(id(), USER, USER, NOW, List.of("a1", "a2"), true),
                new UserDeleted(id(), USER, null, NOW, "never-verified"));

        assertThat(events)
                .extracting(Summary::of)
                .containsExactly(
                        "Account created for ada@example.com with roles [USER]; address not yet verified, by the user",
                        "Account changed: email (email ada@example.com → new@example.com), by " + ADMIN,
                        "Account deactivated, by " + ADMIN,
                        "Account activated, by " + ADMIN,
                        "A refresh token of client web was used twice; that sign-in was revoked, by the system",
                        "Verification mail asked for, to ada@example.com, by the user",
                        "Email address ada@example.com verified, by the user",
                        "Someone tried to sign up with the account's address ada@example.com; the owner was told, by the system",
                        "Password reset asked for, mail to ada@example.com, by the system",
                        "Email change asked for, from ada@example.com to new@example.com; to be confirmed at the new address,"
                                + " by the user",
                        "Email change cancelled from ada@example.com; email changes locked until a password reset, by the"
                                + " system",
                        "Signed out everywhere (2 sessions), by the user",
                        "Account deleted (never-verified), by the system");
        assertThat(events)
                .extracting(Summary::of)
                .allSatisfy(summary ->
                        assertThat(summary).doesNotContain(REQUEST.toString(), CANCEL.toString(), "jti", "token="));
    }

    @Test
    void aFewSessionsRevokedOneByOneAreCounted() {
        assertThat(Summary.of(new SessionsRevoked(id(), USER, ADMIN, NOW, List.of("a1"), false)))
                .isEqualTo("Sessions revoked (1 session), by " + ADMIN);
    }

    @Test
    void secondFactorEventsSayWhatChangedAndNoCode() {
        assertThat(Summary.of(new SecondFactorEnrolled(id(), USER, USER, NOW, SecondFactorEnrolled.TOTP, 10)))
                .isEqualTo("Second factor added (authenticator app) with 10 recovery codes, by the user");
        assertThat(Summary.of(new SecondFactorRemoved(id(), USER, USER, NOW, SecondFactorEnrolled.TOTP)))
                .isEqualTo("Second factor removed (authenticator app), by the user");
        assertThat(Summary.of(new RecoveryCodeUsed(id(), USER, USER, NOW, 1)))
                .isEqualTo("Signed in with a recovery code; 1 unused code left, by the user");
        assertThat(Summary.of(new RecoveryCodeUsed(id(), USER, USER, NOW, 9)))
                .isEqualTo("Signed in with a recovery code; 9 unused codes left, by the user");
        assertThat(Summary.of(new RecoveryCodesRegenerated(id(), USER, USER, NOW, 10)))
                .isEqualTo("10 new recovery codes made; the earlier ones no longer work, by the user");
    }

    private static UUID id() {
        return UUID.randomUUID();
    }
}
