package dev.meridian.audit.erasure;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM (NIST SP 800-38D) as auth-service's {@code KeyCipher} uses it: a random 256-bit key, a fresh random
 * 96-bit nonce per encryption stored before the ciphertext and its 128-bit tag, and associated data binding the
 * ciphertext to its row (the user id for a data key, the event id for an entry), so it cannot be moved to another
 * unnoticed. Stored as bytes: {@code 0x01 | nonce | ciphertext+tag}, the first byte naming this format.
 */
final class Aead {

    static final int KEY_BYTES = 32;

    private static final byte FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    Aead(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("An AES-256 key is 32 bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    static byte[] randomKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    byte[] seal(byte[] associatedData, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            byte[] ciphertext = run(Cipher.ENCRYPT_MODE, nonce, associatedData, plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + ciphertext.length)
                    .put(FORMAT)
                    .put(nonce)
                    .put(ciphertext)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Throws {@link GeneralSecurityException} (a failed tag check) for another key, other associated data or bytes. */
    byte[] open(byte[] associatedData, byte[] sealed) throws GeneralSecurityException {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
            throw new GeneralSecurityException("Not sealed in format " + FORMAT);
        }
        byte[] nonce = new byte[NONCE_BYTES];
        System.arraycopy(sealed, 1, nonce, 0, NONCE_BYTES);
        byte[] ciphertext = new byte[sealed.length - 1 - NONCE_BYTES];
        System.arraycopy(sealed, 1 + NONCE_BYTES, ciphertext, 0, ciphertext.length);
        return run(Cipher.DECRYPT_MODE, nonce, associatedData, ciphertext);
    }

    private byte[] run(int mode, byte[] nonce, byte[] associatedData, byte[] input) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(associatedData);
        return cipher.doFinal(input);
    }
}
