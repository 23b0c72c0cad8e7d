package dev.meridian.testkit;

import java.io.ByteArrayOutputStream;
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
        var out = new ByteArrayOutputStream();
        long buffer = 0;
        int bits = 0;
        for (char c : text.replace(" ", "").toCharArray()) {
            buffer = (buffer << 5) | BASE32.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((int) (buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }

    /** The Base32 text of {@code bytes} (RFC 4648, no padding), as a set-up page shows a secret. */
    public static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}
