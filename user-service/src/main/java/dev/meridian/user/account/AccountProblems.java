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
        AccountNotFound(UUID id) {
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

    /** The If-Match version is not the current one: somebody else changed the account meanwhile. */
    public static final class StaleVersion extends RuntimeException {
        StaleVersion(long current) {
            super("The account has changed since it was read; its current version is " + current);
        }
    }
}
