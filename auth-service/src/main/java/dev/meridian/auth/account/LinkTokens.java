package dev.meridian.auth.account;

import java.util.regex.Pattern;

/**
 * The shape of a mailed link's token: user-service mints 32 random bytes in base64url (43 characters). Anything else
 * cannot be one (user-service takes at most 100), so its page says so at once instead of offering a button that can
 * only fail.
 */
final class LinkTokens {

    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{20,100}");

    private LinkTokens() {}

    static boolean wellFormed(String token) {
        return token != null && SHAPE.matcher(token).matches();
    }
}
