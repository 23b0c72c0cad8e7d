package dev.meridian.user.password;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a new password must be (OWASP Password Storage Cheat Sheet, ASVS 5 V6.2 / 4 V2.1): 12 to 128 characters
 * counted as Unicode code points of its NFKC form — so an emoji is one character, whatever its UTF-16 or UTF-8
 * length — any character allowed, and not one of the common passwords shipped in {@code common-passwords.txt}
 * (compared after NFKC, ignoring case). Nothing else: no composition rules, no truncation.
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 128;

    private static final Set<String> COMMON = load("common-passwords.txt");

    private PasswordPolicy() {}

    /** The one form a password is checked and hashed in: NFKC, so composed and decomposed input are the same. */
    public static String normalize(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }

    /** Its length as the policy counts it: code points of the NFKC form. */
    public static int length(String password) {
        String normalized = normalize(password);
        return normalized.codePointCount(0, normalized.length());
    }

    /** Longer than any password this service ever accepted, so it cannot be anyone's. */
    public static boolean tooLong(String password) {
        return length(password) > MAX_LENGTH;
    }

    /** Which rule a new password breaks, in words for the person choosing it; empty when it is acceptable. */
    public static Optional<String> violation(String password) {
        int length = length(password);
        if (length < MIN_LENGTH) {
            return Optional.of("must be at least " + MIN_LENGTH + " characters long (it has " + length + ")");
        }
        if (length > MAX_LENGTH) {
            return Optional.of("must be at most " + MAX_LENGTH + " characters long (it has " + length + ")");
        }
        if (COMMON.contains(normalize(password).toLowerCase(Locale.ROOT))) {
            return Optional.of("is one of the most common passwords; choose another");
        }
        return Optional.empty();
    }

    private static Set<String> load(String resource) {
        try (InputStream in = PasswordPolicy.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource);
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .lines()
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> normalize(line).toLowerCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
