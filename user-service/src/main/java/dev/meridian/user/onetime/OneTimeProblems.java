package dev.meridian.user.onetime;

/** What can go wrong with a one-time link or code; each becomes an RFC 9457 problem response. */
public final class OneTimeProblems {

    private OneTimeProblems() {}

    /**
     * A link token or code that is unknown, expired, used, superseded or out of attempts: one answer for every
     * cause, so a guesser learns nothing about which tokens exist.
     */
    public static final class InvalidLink extends RuntimeException {
        public InvalidLink() {
            super("This link or code is not valid (it may have expired or been used already); ask for a new one");
        }
    }

    /** The mailer asked for the link of a request that is used, expired or unknown: no mail is due any more. */
    public static final class LinkGone extends RuntimeException {
        LinkGone() {
            super("This request is used, expired or unknown; no link to mail");
        }
    }

    /** Too many requests of one kind for one account; {@code retryAfter} says when the next one is accepted. */
    public static final class TooManyRequests extends RuntimeException {
        private final java.time.Duration retryAfter;

        public TooManyRequests(String what, java.time.Duration retryAfter) {
            super("Too many " + what + "; try again later");
            this.retryAfter = retryAfter;
        }

        public java.time.Duration retryAfter() {
            return retryAfter;
        }
    }
}
