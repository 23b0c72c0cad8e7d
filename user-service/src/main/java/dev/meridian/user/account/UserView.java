package dev.meridian.user.account;

import java.time.Instant;
import java.util.UUID;

/** An account as the API shows it: never the password hash. {@code version} is also sent as the ETag. */
public record UserView(
        UUID id,
        String email,
        String name,
        Role role,
        AccountStatus status,
        Instant createdAt,
        Instant updatedAt,
        boolean emailVerified,
        long version) {

    static UserView of(User user) {
        return new UserView(
                user.id(),
                user.email(),
                user.name(),
                user.role(),
                user.status(),
                user.createdAt(),
                user.updatedAt(),
                user.emailVerified(),
                user.version());
    }
}
