package dev.meridian.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The test-side authenticator app against the RFCs' own vectors, so the ITs that use it test the server. */
class AuthenticatorAppTest {

    private static final byte[] RFC_6238_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void computesRfc6238AppendixBCodesInSixDigits() {
        // Appendix B's SHA-1 rows (8 digits there; an app shows the last six).
        assertThat(AuthenticatorApp.code(RFC_6238_SECRET, 59 / 30)).isEqualTo("287082");
        assertThat(AuthenticatorApp.code(RFC_6238_SECRET, 1111111109L / 30)).isEqualTo("081804");
        assertThat(AuthenticatorApp.code(RFC_6238_SECRET, 2000000000L / 30)).isEqualTo("279037");
    }

    @Test
    void readsAndWritesRfc4648Base32WithoutPadding() {
        assertThat(AuthenticatorApp.base32("foobar".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("MZXW6YTBOI");
        assertThat(AuthenticatorApp.base32("fooba".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("MZXW6YTB");
        assertThat(AuthenticatorApp.fromBase32("MZXW 6YTB OI"))
                .asString(StandardCharsets.US_ASCII)
                .isEqualTo("foobar");
        assertThat(AuthenticatorApp.fromBase32(AuthenticatorApp.base32(RFC_6238_SECRET)))
                .isEqualTo(RFC_6238_SECRET);
    }
}
