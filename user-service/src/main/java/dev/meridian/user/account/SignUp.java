package dev.meridian.user.account;

import dev.meridian.user.password.PasswordRules;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A new account. Anyone may sign up as a {@code USER}; only an administrator may give another {@code role}.
 * Passwords follow the {@link dev.meridian.user.password.PasswordPolicy} and may not be the email address.
 */
public record SignUp(
        @NotBlank @Email @PlainText @Size(max = 320) String email,
        @NotBlank @PlainText @Size(max = 200) String name,
        @NotNull @PasswordRules String password,
        Role role) {

    public SignUp {
        // Clients send pasted addresses; surrounding blanks are not part of them.
        email = email == null ? null : PlainText.Check.nfc(email.strip());
        name = PlainText.Check.nfc(name);
    }

    @Override
    public String toString() {
        return "SignUp[email=" + email + ", name=" + name + ", role=" + role + "]";
    }
}
