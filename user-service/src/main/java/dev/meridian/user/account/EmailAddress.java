package dev.meridian.user.account;

import java.util.Locale;

/** An email address in the one form it is stored and compared in: trimmed and lower-cased. */
public record EmailAddress(String value) {

    public EmailAddress {
        value = value.strip().toLowerCase(Locale.ROOT);
    }
}
