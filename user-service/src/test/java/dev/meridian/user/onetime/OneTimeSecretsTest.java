package dev.meridian.user.onetime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OneTimeSecretsTest {

    @Test
    void aTokenIs32RandomBytesInBase64Url() {
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            tokens.add(OneTimeSecrets.newToken());
        }

        assertThat(tokens).hasSize(1000).allMatch(token -> token.matches("[A-Za-z0-9_-]{43}"));
    }

    @Test
    void aCodeIsSixDigits() {
        for (int i = 0; i < 1000; i++) {
            assertThat(OneTimeSecrets.newCode()).matches("[0-9]{6}");
        }
    }

    @Test
    void storedHashesAreSha256HexAndTheCodesIsSaltedWithItsRequest() {
        String token = OneTimeSecrets.newToken();
        UUID one = UUID.randomUUID();
        UUID other = UUID.randomUUID();

        assertThat(OneTimeSecrets.tokenHash(token)).matches("[0-9a-f]{64}").doesNotContain(token);
        assertThat(OneTimeSecrets.codeHash(one, "123456")).isEqualTo(OneTimeSecrets.codeHash(one, "123456"));
        // The same code of two requests hashes apart: one table of the million codes' hashes does not fit both.
        assertThat(OneTimeSecrets.codeHash(one, "123456")).isNotEqualTo(OneTimeSecrets.codeHash(other, "123456"));
        assertThat(OneTimeSecrets.same(OneTimeSecrets.tokenHash(token), OneTimeSecrets.tokenHash(token)))
                .isTrue();
        assertThat(OneTimeSecrets.same(OneTimeSecrets.tokenHash(token), null)).isFalse();
    }
}
