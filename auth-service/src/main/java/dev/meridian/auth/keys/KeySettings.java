package dev.meridian.auth.keys;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.Base64;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Signing-key rotation and storage. A new key signs every {@code rotationInterval}; a retired key stays in the JWKS
 * for {@code publishedAfterRetirement} (at least the longest token lifetime) so that what it signed still verifies.
 * Private keys are stored encrypted with AES-256-GCM under {@code encryptionKey}, 32 random bytes in base64
 * ({@code openssl rand -base64 32}) from a secret, never from the repository ({@link KeyCipher}).
 *
 * <p>{@code encryptionPassword} and the hex {@code encryptionSalt} are the settings keys were encrypted with before
 * (a key stretched from a password): needed only to re-encrypt such keys once ({@link SigningKeys}), then removable.
 */
@ConfigurationProperties("meridian.auth.keys")
@Validated
public record KeySettings(
        @DefaultValue("30d") @NotNull Duration rotationInterval,
        @DefaultValue("1d") @NotNull Duration publishedAfterRetirement,
        @DefaultValue("1m") @NotNull Duration cacheTime,

        @NotNull(message = KEY_REQUIRED) @Pattern(regexp = "[A-Za-z0-9+/]{43}=", message = KEY_REQUIRED)
        String encryptionKey,

        String encryptionPassword,
        @Pattern(regexp = "([0-9a-f]{2}){8,}") String encryptionSalt) {

    static final String KEY_REQUIRED = "must be 32 random bytes in base64 (openssl rand -base64 32), from a secret:"
            + " set MERIDIAN_AUTH_KEYS_ENCRYPTION_KEY";

    public byte[] encryptionKeyBytes() {
        return Base64.getDecoder().decode(encryptionKey);
    }

    /** Whether keys encrypted the old way can be read. */
    boolean hasFormerEncryption() {
        return encryptionPassword != null
                && !encryptionPassword.isBlank()
                && encryptionSalt != null
                && !encryptionSalt.isBlank();
    }

    @Override
    public String toString() {
        return "KeySettings[rotationInterval=" + rotationInterval + ", publishedAfterRetirement="
                + publishedAfterRetirement + ", cacheTime=" + cacheTime + "]";
    }
}
