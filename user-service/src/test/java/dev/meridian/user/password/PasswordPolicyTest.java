package dev.meridian.user.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    private static final String LOCK = "🔐"; // U+1F510: one code point, two UTF-16 chars, four UTF-8 bytes

    @Test
    void refusesSixEmojiAsTooShortAlthoughTheyAreTwelveUtf16Chars() {
        String six = LOCK.repeat(6);

        assertThat(six.length()).isEqualTo(12);
        assertThat(PasswordPolicy.violation(six))
                .hasValueSatisfying(
                        rule -> assertThat(rule).contains("at least 12").contains("has 6"));
    }

    @Test
    void countsTwelveEmojiAsTwelveCharacters() {
        assertThat(PasswordPolicy.length(LOCK.repeat(12))).isEqualTo(12);
        assertThat(PasswordPolicy.violation(LOCK.repeat(12))).isEmpty();
    }

    @Test
    void refuses129CodePointsAndTakes128WhateverTheirBytes() {
        assertThat(PasswordPolicy.violation("é".repeat(129)))
                .hasValueSatisfying(rule -> assertThat(rule).contains("at most 128"));
        assertThat(PasswordPolicy.violation(LOCK.repeat(128))).isEmpty();
        assertThat(PasswordPolicy.tooLong(LOCK.repeat(129))).isTrue();
    }

    @Test
    void takesAHundredByteAsciiPasswordAndSpacesAndAnyScript() {
        String hundred = "a quite long passphrase ".repeat(5).substring(0, 100);

        assertThat(hundred.getBytes(StandardCharsets.UTF_8)).hasSize(100);
        assertThat(PasswordPolicy.violation(hundred)).isEmpty();
        assertThat(PasswordPolicy.violation("пароль для входа в систему")).isEmpty();
    }

    @Test
    void refusesCommonPasswordsWhateverTheirCaseOrWidth() {
        assertThat(PasswordPolicy.violation("1qaz2wsx3edc"))
                .hasValueSatisfying(rule -> assertThat(rule).contains("common"));
        assertThat(PasswordPolicy.violation("Administrator")).isPresent();
        // Full-width letters are the same password after NFKC.
        assertThat(PasswordPolicy.violation("ＰＡＳＳＷＯＲＤ１２３４")).isPresent();
    }

    @Test
    void measuresTheNfkcFormSoComposedAndDecomposedCountTheSame() {
        String composed = "café crème brûlée";
        String decomposed = java.text.Normalizer.normalize(composed, java.text.Normalizer.Form.NFD);

        assertThat(decomposed.length()).isGreaterThan(composed.length());
        assertThat(PasswordPolicy.length(decomposed)).isEqualTo(PasswordPolicy.length(composed));
    }
}
