package dev.meridian.user.password;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Passwords are hashed with Argon2id ({@code {argon2}} prefix) at the parameters in {@code meridian.passwords.argon2}
 * — OWASP's minimum, m=19 MiB, t=2, p=1 (Spring's {@code defaultsForSpringSecurity_v5_8()} uses 16 MiB, below it).
 * Argon2 takes the whole password (UTF-8), so nothing is silently cut off as bcrypt cuts at 72 bytes. Hashes made
 * before, {@code {bcrypt}}, still match and are re-hashed at the next successful sign-in ({@code upgradeEncoding}).
 * No other scheme is accepted: a {@code {noop}} or {@code {MD5}} row planted in the database matches nothing.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PasswordHashing.Argon2Settings.class)
class PasswordHashing {

    static final String ARGON2 = "argon2";
    static final String BCRYPT = "bcrypt";

    @Bean
    PasswordEncoder passwordEncoder(Argon2Settings argon2) {
        var delegating = new DelegatingPasswordEncoder(
                ARGON2,
                Map.of(
                        ARGON2,
                        new Argon2PasswordEncoder(
                                argon2.saltLength(),
                                argon2.hashLength(),
                                argon2.parallelism(),
                                Math.toIntExact(argon2.memory().toKilobytes()),
                                argon2.iterations()),
                        BCRYPT,
                        new LegacyBcrypt()));
        delegating.setDefaultPasswordEncoderForMatches(new MatchesNothing());
        return new NormalizingPasswordEncoder(delegating);
    }

    /** Argon2id's cost: memory (in KiB steps), passes over it, lanes; salt and hash lengths in bytes. */
    @ConfigurationProperties("meridian.passwords.argon2")
    @Validated
    record Argon2Settings(
            @NotNull DataSize memory,
            @Min(1) int iterations,
            @Min(1) int parallelism,
            @Min(16) int saltLength,
            @Min(32) int hashLength) {}

    /** For a stored hash of any other scheme (or none): it is not ours, so it proves nothing, and is no error. */
    static final class MatchesNothing implements PasswordEncoder {

        @Override
        public String encode(CharSequence rawPassword) {
            throw new UnsupportedOperationException("Only matches");
        }

        @Override
        public boolean matches(CharSequence rawPassword, String encodedPassword) {
            return false;
        }
    }

    /**
     * bcrypt for the hashes stored before Argon2, matching only. Spring Security refuses a password over 72 bytes
     * with an exception (a 500 once); no stored bcrypt hash can be of such a password, so it simply does not match
     * — after the same bcrypt work, so a long password does not answer faster for a legacy account.
     */
    static final class LegacyBcrypt extends BCryptPasswordEncoder {

        private static final int MAX_BYTES = 72;

        @Override
        protected boolean matchesNonNull(String rawPassword, String encodedPassword) {
            if (rawPassword.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
                super.matchesNonNull("x", encodedPassword);
                return false;
            }
            return super.matchesNonNull(rawPassword, encodedPassword);
        }
    }
}
