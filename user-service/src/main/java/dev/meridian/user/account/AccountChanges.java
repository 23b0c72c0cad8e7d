package dev.meridian.user.account;

import dev.meridian.user.password.PasswordRules;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A partial update: only the fields present change. Changing the password needs the account's {@code currentPassword}
 * too, so that an access token alone (a stolen one) cannot take the account over. The owner's email changes through
 * the confirmed email change, never here; an administrator may not change another account's email either.
 */
public record AccountChanges(
        @Email @PlainText @Size(max = 320) String email,

        @Size(min = 1, max = 200) @Pattern(regexp = ".*\\S.*", message = "must not be blank") @PlainText
        String name,

        @PasswordRules String password,
        String currentPassword) {

    public AccountChanges {
        email = email == null ? null : PlainText.Check.nfc(email.strip());
        name = PlainText.Check.nfc(name);
    }

    @Override
    public String toString() {
        return "AccountChanges[email=" + email + ", name=" + name + ", password=" + (password == null ? "" : "***")
                + ", currentPassword=" + (currentPassword == null ? "" : "***") + "]";
    }
}
