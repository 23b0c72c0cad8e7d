package dev.meridian.auth.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts private signing keys with AES-256-GCM under a random 256-bit key (NIST SP 800-38D): a fresh random 96-bit
 * nonce per encryption, stored with the ciphertext, and the key id as associated data, so a stored key cannot be
 * moved to another row unnoticed. A random key needs no key derivation. Stored as {@code A256GCM.<nonce>.<ciphertext
 * and 128-bit tag>} (base64url): the prefix tells it from the hex of the former, password-based format. A wrong key
 * or a changed byte fails the tag check: decryption never yields a garbled key. Also encrypts the TOTP secrets of
 * second factors (secondfactor/TotpFactors), with {@code totp:<user id>} as the key id.
 */
public final class KeyCipher {

    static final String FORMAT = "A256GCM.";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    public KeyCipher(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("An AES-256 key is 32 bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    static boolean isCurrentFormat(String stored) {
        return stored.startsWith(FORMAT);
    }

    public String encrypt(String kid, String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] ciphertext;
        try {
            ciphertext = run(Cipher.ENCRYPT_MODE, kid, nonce, plaintext.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Signing key " + kid + " could not be encrypted", e);
        }
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return FORMAT + base64.encodeToString(nonce) + "." + base64.encodeToString(ciphertext);
    }

    /** Throws {@link WrongKey} when the key, the key id or the stored bytes are not what it was encrypted with. */
    public String decrypt(String kid, String stored) {
        String[] parts =
                isCurrentFormat(stored) ? stored.substring(FORMAT.length()).split("\\.", -1) : new String[0];
        if (parts.length != 2) {
            throw new IllegalArgumentException("Signing key " + kid + " is not stored as " + FORMAT + "<nonce>.<data>");
        }
        Base64.Decoder base64 = Base64.getUrlDecoder();
        try {
            byte[] plaintext = run(Cipher.DECRYPT_MODE, kid, base64.decode(parts[0]), base64.decode(parts[1]));
            return new String(plaintext, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new WrongKey(kid);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("Signing key " + kid + " could not be decrypted", e);
        }
    }

    private byte[] run(int mode, String kid, byte[] nonce, byte[] input) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
        return cipher.doFinal(input);
    }

    /** The stored key was not encrypted with this key (or under this key id, or it was altered). */
    static final class WrongKey extends IllegalStateException {
        WrongKey(String kid) {
            super("Signing key " + kid + " cannot be decrypted with meridian.auth.keys.encryption-key"
                    + " (MERIDIAN_AUTH_KEYS_ENCRYPTION_KEY): it is not the key the stored keys were encrypted with,"
                    + " or the stored key was altered. Set the key they were encrypted with.");
        }
    }
}
