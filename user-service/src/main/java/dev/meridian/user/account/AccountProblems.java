package dev.meridian.user.account;

import java.util.UUID;

/** What can go wrong with an account request; each becomes an RFC 9457 problem response. */
public final class AccountProblems {

    private AccountProblems() {}

    public static final class EmailAlreadyTaken extends RuntimeException {
        EmailAlreadyTaken() {
            super("An account with this email address already exists");
        }
    }

    public static final class AccountNotFound extends RuntimeException {
        public AccountNotFound(UUID id) {
            super("No account " + id);
        }
    }

    public static final class WeakPassword extends RuntimeException {
        WeakPassword(String reason) {
            super(reason);
        }
    }

    public static final class NotAllowed extends RuntimeException {
        NotAllowed(String reason) {
            super(reason);
        }
    }

    /** Changing the email or password without the account's current password. */
    public static final class CurrentPasswordRequired extends RuntimeException {
        CurrentPasswordRequired() {
            super("is required to change the email or the password");
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
}
