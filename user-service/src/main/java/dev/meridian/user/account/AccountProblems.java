package dev.meridian.user.account;

import java.util.UUID;

/** What can go wrong with an account request; each becomes an RFC 9457 problem response. */
public final class AccountProblems {

    private AccountProblems() {}

    public static final class EmailAlreadyTaken extends RuntimeException {
        public EmailAlreadyTaken() {
            super("An account with this email address already exists");
        }
    }

    public static final class AccountNotFound extends RuntimeException {
        public AccountNotFound(UUID id) {
            super("No account " + id);
        }
    }

    public static final class WeakPassword extends RuntimeException {
        public WeakPassword(String reason) {
            super(reason);
        }
    }

    public static final class NotAllowed extends RuntimeException {
        public NotAllowed(String reason) {
            super(reason);
        }
    }

    /** Changing the email or password without the account's current password. */
    public static final class CurrentPasswordRequired extends RuntimeException {
        CurrentPasswordRequired() {
            super("is required to change the email or the password, and to delete the account");
        }
    }

    /** The current password sent with a change of email or password is not the account's. */
    public static final class WrongCurrentPassword extends RuntimeException {
        WrongCurrentPassword() {
            super("is not the account's current password");
        }
    }

    /** The If-Match version is not the current one: somebody else changed the account meanwhile. */
    public static final class StaleVersion extends RuntimeException {
        StaleVersion(long current) {
            super("The account has changed since it was read; its current version is " + current);
        }
    }

    /** The account's address is not verified, and the settings keep such accounts from changing. */
    public static final class EmailNotVerified extends RuntimeException {
        public EmailNotVerified() {
            super("Verify your email address first: follow the link or type the code mailed to you");
        }
    }

    /** A verification asked for an address that is verified already. */
    public static final class AlreadyVerified extends RuntimeException {
        public AlreadyVerified() {
            super("This account's email address is verified already");
        }
    }

    /** Someone said "this wasn't me" to an email change: no more changes until a password reset or change. */
    public static final class EmailChangeLocked extends RuntimeException {
        public EmailChangeLocked() {
            super("Email changes are locked after a change was cancelled; reset or change the password first");
        }
    }

    /** The owner's email changes only once confirmed at the new address, not through a PATCH. */
    public static final class EmailChangeNeedsConfirmation extends RuntimeException {
        EmailChangeNeedsConfirmation() {
            super("is changed through POST /api/users/me/email-change, which mails a confirmation link to the new"
                    + " address");
        }
    }

    /** Deleting the last active administrator would leave nobody able to administer the accounts. */
    public static final class LastAdministrator extends RuntimeException {
        LastAdministrator() {
            super("This is the last active administrator: make another account an administrator first");
        }
    }
}
