package dev.meridian.testkit;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a user's authenticator app computes: RFC 6238 with HMAC-SHA1, 30-second steps and 6 digits (RFC 4226 section
 * 5.3's dynamic truncation), from the Base32 secret a set-up page shows. Written apart from auth-service's own, so a
 * test that signs in with these codes checks the server against the RFC, not against itself.
 */
public final class AuthenticatorApp {

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private AuthenticatorApp() {}

    /** The current 30-second step since the epoch (RFC 6238's T with T0 = 0). */
    public static long step() {
        return Instant.now().getEpochSecond() / 30;
    }

    /** The six-digit code for {@code step}. */
    public static String code(byte[] secret, long step) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA1");
            hmac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] h = hmac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = h[19] & 0xf;
            return "%06d".formatted((ByteBuffer.wrap(h, offset, 4).getInt() & 0x7fffffff) % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is in every JDK", e);
        }
    }

    /** The secret's bytes from its Base32 text (RFC 4648, no padding), spaces ignored as an app's input does. */
    public static byte[] fromBase32(String text) {
        // As the RFC explains it: each letter is five bits; the bits, read eight at a time, are the bytes.
        StringBuilder bits = new StringBuilder();
        for (char letter : text.replace(" ", "").toCharArray()) {
            bits.append(binary(BASE32.indexOf(letter), 5));
        }
        byte[] bytes = new byte[bits.length() / 8];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(bits.substring(i * 8, i * 8 + 8), 2);
        }
        return bytes;
    }

    /** The Base32 text of {@code bytes} (RFC 4648, no padding), as a set-up page shows a secret. */
    public static String base32(byte[] bytes) {
        StringBuilder bits = new StringBuilder();
        for (byte b : bytes) {
            bits.append(binary(b & 0xff, 8));
        }
        while (bits.length() % 5 != 0) {
            bits.append('0');
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < bits.length(); i += 5) {
            text.append(BASE32.charAt(Integer.parseInt(bits.substring(i, i + 5), 2)));
        }
        return text.toString();
    }

    private static String binary(int value, int width) {
        String digits = Integer.toBinaryString(value);
        return "0".repeat(width - digits.length()) + digits;
    }
}
