package dev.meridian.user.account;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A new account. Anyone may sign up as a {@code USER}; only an administrator may give another {@code role}.
 * Passwords are at least 12 characters and may not be the email address.
 */
public record SignUp(
        @NotBlank @Email @Size(max = 320) String email,
        @NotBlank @Size(max = 200) String name,
        @NotNull @Size(min = 12, max = 128) String password,
        Role role) {

    public SignUp {
        // Clients send pasted addresses; surrounding blanks are not part of them.
        email = email == null ? null : email.strip();
    }

    @Override
    public String toString() {
        return "SignUp[email=" + email + ", name=" + name + ", role=" + role + "]";
    }
}
