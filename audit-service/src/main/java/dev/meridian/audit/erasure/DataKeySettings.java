package dev.meridian.audit.erasure;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.Base64;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The master key that every user's data key is stored encrypted under: 32 random bytes in base64 ({@code openssl
 * rand -base64 32}) from a secret ({@code MERIDIAN_AUDIT_DATA_KEYS_MASTER_KEY}), never from the repository. Without it
 * the service does not start; with another one it cannot read the entries (it says so, and does not guess).
 */
@ConfigurationProperties("meridian.audit.data-keys")
@Validated
public record DataKeySettings(
        @NotNull(message = KEY_REQUIRED) @Pattern(regexp = "[A-Za-z0-9+/]{43}=", message = KEY_REQUIRED)
        String masterKey) {

    static final String KEY_REQUIRED = "must be 32 random bytes in base64 (openssl rand -base64 32), from a secret:"
            + " set MERIDIAN_AUDIT_DATA_KEYS_MASTER_KEY";

    byte[] masterKeyBytes() {
        return Base64.getDecoder().decode(masterKey);
    }

    @Override
    public String toString() {
        return "DataKeySettings[masterKey=***]";
    }
}
