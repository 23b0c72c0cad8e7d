package dev.meridian.audit.intake;

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
import java.util.TreeSet;

/**
 * The one-line account of an event kept with it in the audit log. The switch has no default: {@link UserEvent} is
 * sealed, so a new event type does not compile until it has a summary here — none is recorded without one. Only what
 * a reader of the stream needs (addresses, what changed, who acted); never a request id, and no event carries a link,
 * code or token.
 */
final class Summary {

    private Summary() {}

    static String of(UserEvent event) {
        String what = switch (event) {
            case UserCreated created ->
                "Account created for " + created.email() + " with roles " + new TreeSet<>(created.roles())
                        + (created.mayReceiveMail() ? "" : "; address not yet verified");
            case UserUpdated updated ->
                "Account changed: " + String.join(", ", new TreeSet<>(updated.changed()))
                        + (updated.changed().contains(UserUpdated.EMAIL) && updated.previousEmail() != null
                                ? " (email " + updated.previousEmail() + " → " + updated.email() + ")"
                                : "");
            case UserDeactivated deactivated -> "Account deactivated";
            case UserActivated activated -> "Account activated";
            case RefreshTokenReused reused ->
                "A refresh token of client " + reused.clientId() + " was used twice; that sign-in was revoked";
            case EmailVerificationRequested requested -> "Verification mail asked for, to " + requested.email();
            case EmailVerified verified -> "Email address " + verified.email() + " verified";
            case SignUpWithExistingEmail attempt ->
                "Someone tried to sign up with the account's address " + attempt.email() + "; the owner was told";
            case PasswordResetRequested requested -> "Password reset asked for, mail to " + requested.email();
            case EmailChangeRequested requested ->
                "Email change asked for, from " + requested.currentEmail() + " to " + requested.newEmail()
                        + "; to be confirmed at the new address";
            case EmailChangeCancelled cancelled ->
                "Email change cancelled from " + cancelled.email() + "; email changes locked until a password reset";
            case SessionsRevoked revoked ->
                revoked.everywhere()
                        ? "Signed out everywhere (" + count(revoked) + ")"
                        : "Sessions revoked (" + count(revoked) + ")";
            case SecondFactorEnrolled enrolled ->
                "Second factor added (" + factor(enrolled.factor()) + ") with " + enrolled.recoveryCodes()
                        + " recovery codes";
            case SecondFactorRemoved removed -> "Second factor removed (" + factor(removed.factor()) + ")";
            case RecoveryCodeUsed used ->
                "Signed in with a recovery code; " + used.remaining() + " unused "
                        + (used.remaining() == 1 ? "code" : "codes") + " left";
            case RecoveryCodesRegenerated regenerated ->
                regenerated.recoveryCodes() + " new recovery codes made; the earlier ones no longer work";
            case UserDeleted deleted ->
                "Account deleted" + (deleted.reason() == null ? "" : " (" + deleted.reason() + ")");
        };
        return what + by(event);
    }

    private static String factor(String kind) {
        return SecondFactorEnrolled.TOTP.equals(kind) ? "authenticator app" : String.valueOf(kind);
    }

    private static String count(SessionsRevoked revoked) {
        int n = revoked.authorizationIds() == null
                ? 0
                : revoked.authorizationIds().size();
        return n == 1 ? "1 session" : n + " sessions";
    }

    private static String by(UserEvent event) {
        if (event.actorId() == null) {
            return ", by the system";
        }
        return event.actorId().equals(event.userId()) ? ", by the user" : ", by " + event.actorId();
    }
}
