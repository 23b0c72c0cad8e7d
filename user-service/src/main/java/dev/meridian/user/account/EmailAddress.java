package dev.meridian.user.account;

import java.text.Normalizer;
import java.util.Locale;

/** An email address in the one form it is stored and compared in: trimmed, NFC-normalised and lower-cased. */
public record EmailAddress(String value) {

    public EmailAddress {
        value = Normalizer.normalize(value.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }
}
