package dev.meridian.user.account;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A partial update: only the fields present change. */
public record AccountChanges(
        @Email @Size(max = 320) String email,

        @Size(min = 1, max = 200) @Pattern(regexp = ".*\\S.*", message = "must not be blank")
        String name,

        @Size(min = 12, max = 128) String password) {

    public AccountChanges {
        email = email == null ? null : email.strip();
    }

    @Override
    public String toString() {
        return "AccountChanges[email=" + email + ", name=" + name + ", password=" + (password == null ? "" : "***")
                + "]";
    }
}
