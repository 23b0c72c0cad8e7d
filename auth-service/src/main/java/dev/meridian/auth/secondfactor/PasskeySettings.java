package dev.meridian.auth.secondfactor;

import jakarta.validation.constraints.NotBlank;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Passkeys (WebAuthn): the relying party a passkey is bound to. {@code rpId} is a domain (WebAuthn allows no IP
 * address): by default the issuer's host, since the pages are served at the gateway's public URL; a passkey made for
 * one rpId is never offered to another. {@code allowedOrigins} are the page origins a ceremony may come from (by
 * default the issuer's origin). {@code rpName} is what the authenticator shows.
 */
@ConfigurationProperties("meridian.auth.passkeys")
@Validated
record PasskeySettings(
        @Nullable String rpId,
        @DefaultValue("Meridian") @NotBlank String rpName,
        Set<String> allowedOrigins) {

    PasskeySettings {
        allowedOrigins = allowedOrigins == null ? Set.of() : Set.copyOf(allowedOrigins);
    }
}
