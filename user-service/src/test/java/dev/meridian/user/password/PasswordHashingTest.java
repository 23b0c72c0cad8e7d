package dev.meridian.user.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.util.unit.DataSize;

class PasswordHashingTest {

    /** The parameters of application.yml. */
    private static final PasswordHashing.Argon2Settings OWASP_MINIMUM =
            new PasswordHashing.Argon2Settings(DataSize.ofMegabytes(19), 2, 1, 16, 32);

    private final PasswordEncoder passwords = new PasswordHashing().passwordEncoder(OWASP_MINIMUM);

    @Test
    void hashesWithArgon2idAtTheConfiguredParameters() {
        String hash = passwords.encode("correct horse battery");

        assertThat(hash).startsWith("{argon2}$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(passwords.matches("correct horse battery", hash)).isTrue();
        assertThat(passwords.upgradeEncoding(hash)).isFalse();
    }

    @Test
    void doesNotTruncateLongPasswordsAsBcryptWould() {
        String hundred = "x".repeat(100);
        String hash = passwords.encode(hundred);

        assertThat(passwords.matches(hundred, hash)).isTrue();
        assertThat(passwords.matches("x".repeat(72), hash)).isFalse();
        assertThat(passwords.matches("x".repeat(99) + "y", hash)).isFalse();
    }

    @Test
    void composedAndDecomposedFormsOfAPasswordMatchEachOther() {
        String composed = "Ünïcödé pässwörd";
        String decomposed = Normalizer.normalize(composed, Normalizer.Form.NFD);
        assertThat(decomposed).isNotEqualTo(composed);

        assertThat(passwords.matches(decomposed, passwords.encode(composed))).isTrue();
        assertThat(passwords.matches(composed, passwords.encode(decomposed))).isTrue();
    }

    @Test
    void oldBcryptHashesStillMatchAndAskToBeUpgraded() {
        String legacy = "{bcrypt}" + new BCryptPasswordEncoder().encode("correct horse battery");

        assertThat(passwords.matches("correct horse battery", legacy)).isTrue();
        assertThat(passwords.matches("wrong horse battery!!", legacy)).isFalse();
        assertThat(passwords.upgradeEncoding(legacy)).isTrue();
    }

    @Test
    void aPasswordOverBcryptsLimitSimplyDoesNotMatchALegacyHash() {
        String legacy = "{bcrypt}" + new BCryptPasswordEncoder().encode("correct horse battery");

        assertThat(passwords.matches("correct horse battery" + "!".repeat(60), legacy))
                .isFalse();
        assertThat(passwords.matches("🔐".repeat(200), legacy)).isFalse();
    }

    @Test
    void hashesOfOtherSchemesOrNoneMatchNothing() {
        assertThat(passwords.matches("planted", "{noop}planted")).isFalse();
        assertThat(passwords.matches("planted", "planted")).isFalse();
    }

    @Test
    void weakerArgon2HashesAskToBeUpgraded() {
        String weaker = new PasswordHashing()
                .passwordEncoder(new PasswordHashing.Argon2Settings(DataSize.ofMegabytes(16), 2, 1, 16, 32))
                .encode("correct horse battery");

        assertThat(passwords.matches("correct horse battery", weaker)).isTrue();
        assertThat(passwords.upgradeEncoding(weaker)).isTrue();
    }

    /** Not a benchmark: the order of magnitude of one hash here, for the docs. */
    @Test
    void oneHashTakesTensOfMilliseconds() {
        for (int warmUp = 0; warmUp < 60; warmUp++) {
            passwords.encode("warm up " + warmUp + " and more");
        }
        int rounds = 20;
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            passwords.encode("correct horse battery " + i);
        }
        Duration each = Duration.ofNanos((System.nanoTime() - start) / rounds);
        System.out.printf("Argon2id m=19 MiB t=2 p=1: %.1f ms per hash (one thread)%n", each.toNanos() / 1e6);
        assertThat(each).isLessThan(Duration.ofSeconds(1));
    }
}
