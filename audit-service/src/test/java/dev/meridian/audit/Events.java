package dev.meridian.audit;

import dev.meridian.events.RefreshTokenReused;
import dev.meridian.events.UserActivated;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserDeactivated;
import dev.meridian.events.UserUpdated;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Events as user-service would publish them about one user. */
record Events(UUID userId) {

    static Events aboutANewUser() {
        return new Events(UUID.randomUUID());
    }

    UserCreated created() {
        return new UserCreated(
                UUID.randomUUID(), userId, userId, Instant.now(), "ada@example.com", "Ada", Set.of("USER"));
    }

    UserUpdated renamed(String name) {
        return new UserUpdated(
                UUID.randomUUID(),
                userId,
                userId,
                Instant.now(),
                Set.of(UserUpdated.NAME),
                "ada@example.com",
                name,
                null,
                null);
    }

    UserDeactivated deactivatedBy(UUID admin) {
        return new UserDeactivated(UUID.randomUUID(), userId, admin, Instant.now());
    }

    /** As auth-service publishes it. */
    RefreshTokenReused refreshTokenReused() {
        return new RefreshTokenReused(
                UUID.randomUUID(),
                userId,
                null,
                Instant.now(),
                "web",
                UUID.randomUUID().toString());
    }

    UserActivated activatedBy(UUID admin) {
        return new UserActivated(UUID.randomUUID(), userId, admin, Instant.now());
    }
}
