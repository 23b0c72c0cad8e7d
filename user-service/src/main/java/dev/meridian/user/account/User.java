package dev.meridian.user.account;

import dev.meridian.events.UserActivated;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserDeactivated;
import dev.meridian.events.UserUpdated;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.PersistenceCreator;
import org.springframework.data.annotation.Version;
import org.springframework.data.domain.AbstractAggregateRoot;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A user account. Every change registers the event that tells the rest of the platform about it; the events are
 * published when the repository saves the account, in the same transaction (see {@code events}).
 */
@Table("users")
public class User extends AbstractAggregateRoot<User> {

    @Id
    private final UUID id;

    private String email;
    private String name;
    private String passwordHash;
    private final Role role;
    private AccountStatus status;
    private final Instant createdAt;
    private Instant updatedAt;

    @Version
    private Long version;

    @PersistenceCreator
    User(
            UUID id,
            String email,
            String name,
            String passwordHash,
            Role role,
            AccountStatus status,
            Instant createdAt,
            Instant updatedAt,
            Long version) {
        this.id = id;
        this.email = email;
        this.name = name;
        this.passwordHash = passwordHash;
        this.role = role;
        this.status = status;
        this.createdAt = createdAt;
        this.updatedAt = updatedAt;
        this.version = version;
    }

    /** A new active account; {@code actorId} is who created it (the user themself on sign-up). */
    static User register(EmailAddress email, String name, String passwordHash, Role role, UUID actorId, Instant now) {
        var id = UUID.randomUUID();
        var user = new User(id, email.value(), name, passwordHash, role, AccountStatus.ACTIVE, now, now, null);
        user.registerEvent(new UserCreated(
                UUID.randomUUID(), id, actorId == null ? id : actorId, now, email.value(), name, Set.of(role.name())));
        return user;
    }

    /**
     * Applies what changed and announces it; answers whether anything did. {@code actorTokenId} is the {@code jti} of
     * the access token the change was made with, so auth-service can end the user's other sessions when a credential
     * changed.
     */
    boolean change(
            EmailAddress newEmail,
            String newName,
            String newPasswordHash,
            UUID actorId,
            String actorTokenId,
            Instant now) {
        Set<String> changed = new LinkedHashSet<>();
        String previousEmail = email;
        if (newEmail != null && !newEmail.value().equals(email)) {
            email = newEmail.value();
            changed.add(UserUpdated.EMAIL);
        }
        if (newName != null && !newName.equals(name)) {
            name = newName;
            changed.add(UserUpdated.NAME);
        }
        if (newPasswordHash != null) {
            passwordHash = newPasswordHash;
            changed.add(UserUpdated.PASSWORD);
        }
        if (changed.isEmpty()) {
            return false;
        }
        updatedAt = now;
        registerEvent(new UserUpdated(
                UUID.randomUUID(),
                id,
                actorId,
                now,
                Set.copyOf(changed),
                email,
                name,
                changed.contains(UserUpdated.EMAIL) ? previousEmail : null,
                actorTokenId));
        return true;
    }

    boolean deactivate(UUID actorId, Instant now) {
        if (status == AccountStatus.DEACTIVATED) {
            return false;
        }
        status = AccountStatus.DEACTIVATED;
        updatedAt = now;
        registerEvent(new UserDeactivated(UUID.randomUUID(), id, actorId, now));
        return true;
    }

    boolean activate(UUID actorId, Instant now) {
        if (status == AccountStatus.ACTIVE) {
            return false;
        }
        status = AccountStatus.ACTIVE;
        updatedAt = now;
        registerEvent(new UserActivated(UUID.randomUUID(), id, actorId, now));
        return true;
    }

    public UUID id() {
        return id;
    }

    public String email() {
        return email;
    }

    public String name() {
        return name;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public Role role() {
        return role;
    }

    public AccountStatus status() {
        return status;
    }

    public boolean isActive() {
        return status == AccountStatus.ACTIVE;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public long version() {
        return version == null ? 0 : version;
    }
}
