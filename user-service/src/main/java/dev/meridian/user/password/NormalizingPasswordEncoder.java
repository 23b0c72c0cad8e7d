package dev.meridian.user.password;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Hashes and compares passwords in their NFKC form ({@link PasswordPolicy#normalize}), so "é" typed as one code
 * point or as "e" plus a combining accent is the same password on every keyboard and platform.
 */
final class NormalizingPasswordEncoder implements PasswordEncoder {

    private static final String ARGON2_PREFIX = "{" + PasswordHashing.ARGON2 + "}";

    private final PasswordEncoder delegate;

    NormalizingPasswordEncoder(PasswordEncoder delegate) {
        this.delegate = delegate;
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return delegate.encode(PasswordPolicy.normalize(rawPassword.toString()));
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        String raw = rawPassword.toString();
        String normalized = PasswordPolicy.normalize(raw);
        if (delegate.matches(normalized, encodedPassword)) {
            return true;
        }
        // A bcrypt hash from before normalisation was made of the password exactly as it was typed then.
        return !normalized.equals(raw)
                && encodedPassword != null
                && !encodedPassword.startsWith(ARGON2_PREFIX)
                && delegate.matches(raw, encodedPassword);
    }

    @Override
    public boolean upgradeEncoding(String encodedPassword) {
        return delegate.upgradeEncoding(encodedPassword);
    }
}
