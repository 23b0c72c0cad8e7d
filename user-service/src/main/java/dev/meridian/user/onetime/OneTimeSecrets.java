package dev.meridian.user.onetime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The secrets of mailed links: a link token is 32 random bytes (256 bits, base64url), far beyond guessing, so a plain
 * SHA-256 of it is a safe thing to store and look up (no salt or slow hash needed: nobody can enumerate 2^256
 * inputs). A code is 6 digits — guessable offline from an unsalted hash in a millisecond — so its hash is salted
 * with its request's id, and the request allows only a few attempts online.
 */
final class OneTimeSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int TOKEN_BYTES = 32;

    private OneTimeSecrets() {}

    static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String newCode() {
        return "%06d".formatted(RANDOM.nextInt(1_000_000));
    }

    static String tokenHash(String token) {
        return sha256(token);
    }

    static String codeHash(UUID requestId, String code) {
        return sha256(requestId + ":" + code);
    }

    /** Compares two hashes in time independent of where they differ. */
    static boolean same(String hash, String other) {
        return hash != null
                && other != null
                && MessageDigest.isEqual(
                        hash.getBytes(StandardCharsets.US_ASCII), other.getBytes(StandardCharsets.US_ASCII));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
