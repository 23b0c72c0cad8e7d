package dev.meridian.auth.keys;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Signing-key rotation and storage. A new key signs every {@code rotationInterval}; a retired key stays in the JWKS
 * for {@code publishedAfterRetirement} (at least the longest token lifetime) so that what it signed still verifies.
 * Private keys are stored encrypted (AES-GCM, key derived from {@code encryptionPassword} and the hex
 * {@code encryptionSalt}), both from a secret, never from the repository.
 */
@ConfigurationProperties("meridian.auth.keys")
@Validated
public record KeySettings(
        @DefaultValue("30d") @NotNull Duration rotationInterval,
        @DefaultValue("1d") @NotNull Duration publishedAfterRetirement,
        @DefaultValue("1m") @NotNull Duration cacheTime,
        @NotBlank String encryptionPassword,
        @NotBlank @Pattern(regexp = "([0-9a-f]{2}){8,}") String encryptionSalt) {}
