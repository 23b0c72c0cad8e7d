package dev.meridian.auth.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KeyCipherTest {

    private static final String JWK = "{\"kty\":\"RSA\",\"kid\":\"k1\",\"d\":\"private\"}";

    private final byte[] key = random(32);
    private final KeyCipher cipher = new KeyCipher(key);

    @Test
    void decryptsWhatItEncrypted() {
        String stored = cipher.encrypt("k1", JWK);

        assertThat(stored).startsWith(KeyCipher.FORMAT).doesNotContain("private");
        assertThat(cipher.decrypt("k1", stored)).isEqualTo(JWK);
        assertThat(new KeyCipher(key.clone()).decrypt("k1", stored)).isEqualTo(JWK);
    }

    @Test
    void usesAFreshNonceForEveryEncryption() {
        String first = cipher.encrypt("k1", JWK);
        String second = cipher.encrypt("k1", JWK);

        assertThat(first).isNotEqualTo(second);
        assertThat(nonce(first)).hasSize(12).isNotEqualTo(nonce(second));
    }

    @Test
    void anotherKeyIsRefusedNotGarbled() {
        String stored = cipher.encrypt("k1", JWK);

        assertThatThrownBy(() -> new KeyCipher(random(32)).decrypt("k1", stored))
                .isInstanceOf(KeyCipher.WrongKey.class)
                .hasMessageContaining("MERIDIAN_AUTH_KEYS_ENCRYPTION_KEY");
    }

    @Test
    void aKeyMovedToAnotherKeyIdIsRefused() {
        String stored = cipher.encrypt("k1", JWK);

        assertThatThrownBy(() -> cipher.decrypt("k2", stored)).isInstanceOf(KeyCipher.WrongKey.class);
    }

    @Test
    void aChangedByteIsRefused() {
        String stored = cipher.encrypt("k1", JWK);
        char last = stored.charAt(stored.length() - 2);
        String altered = stored.substring(0, stored.length() - 2)
                + (last == 'A' ? 'B' : 'A')
                + stored.charAt(stored.length() - 1);

        assertThatThrownBy(() -> cipher.decrypt("k1", altered)).isInstanceOf(KeyCipher.WrongKey.class);
    }

    @Test
    void refusesAKeyThatIsNot256Bits() {
        assertThatThrownBy(() -> new KeyCipher(random(16))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tellsTheFormerFormatApart() {
        assertThat(KeyCipher.isCurrentFormat(cipher.encrypt("k1", JWK))).isTrue();
        assertThat(KeyCipher.isCurrentFormat("0f1e2d3c4b5a69788796a5b4c3d2e1f0"))
                .isFalse();
    }

    private static byte[] nonce(String stored) {
        return Base64.getUrlDecoder()
                .decode(stored.substring(KeyCipher.FORMAT.length()).split("\\.")[0]);
    }

    private static byte[] random(int bytes) {
        byte[] key = new byte[bytes];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
