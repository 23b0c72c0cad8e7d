package dev.meridian.user.account;

import dev.meridian.events.EmailChangeCancelled;
import dev.meridian.events.EmailVerificationRequested;
import dev.meridian.events.EmailVerified;
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
    /** Whether the address is known to reach the user: a link or code mailed there came back. */
    private boolean emailVerified;
    /** Set by "this wasn't me" on an email change; only a password reset or change lifts it. */
    private boolean emailChangeLocked;

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
            boolean emailVerified,
            boolean emailChangeLocked,
            Long version) {
        this.id = id;
        this.email = email;
        this.name = name;
        this.passwordHash = passwordHash;
        this.role = role;
        this.status = status;
        this.createdAt = createdAt;
        this.updatedAt = updatedAt;
        this.emailVerified = emailVerified;
        this.emailChangeLocked = emailChangeLocked;
        this.version = version;
    }

    /**
     * A new active account; {@code actorId} is who created it (the user themself on sign-up). Its address is
     * unverified, and a verification mail is due for {@code verificationRequestId}, unless that is null: an address
     * the operator configured (the first administrator) is taken as verified.
     */
    static User register(
            EmailAddress email,
            String name,
            String passwordHash,
            Role role,
            UUID actorId,
            UUID verificationRequestId,
            Instant now) {
        var id = UUID.randomUUID();
        boolean verified = verificationRequestId == null;
        var user = new User(
                id, email.value(), name, passwordHash, role, AccountStatus.ACTIVE, now, now, verified, false, null);
        UUID actor = actorId == null ? id : actorId;
        user.registerEvent(
                new UserCreated(UUID.randomUUID(), id, actor, now, email.value(), name, Set.of(role.name()), verified));
        if (!verified) {
            user.registerEvent(new EmailVerificationRequested(
                    UUID.randomUUID(), id, actor, now, email.value(), name, verificationRequestId));
        }
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
            // The owner proved they hold the account: a lock set by "this wasn't me" has done its work.
            emailChangeLocked = false;
            changed.add(UserUpdated.PASSWORD);
        }
        if (changed.isEmpty()) {
            return false;
        }
        updated(changed, previousEmail, actorId, actorTokenId, now);
        return true;
    }

    /** The address was proven by a link or code mailed to it; answers whether it was unverified until now. */
    public boolean verifyEmail(Instant now) {
        if (emailVerified) {
            return false;
        }
        emailVerified = true;
        updatedAt = now;
        registerEvent(new EmailVerified(UUID.randomUUID(), id, id, now, email, name));
        return true;
    }

    /**
     * A new password set through a mailed reset link: it also proves the address, and lifts an email-change lock.
     * The event names no token ({@code actorTokenId} null), so auth-service ends every session of the user.
     */
    public void resetPassword(String newPasswordHash, Instant now) {
        verifyEmail(now);
        passwordHash = newPasswordHash;
        emailChangeLocked = false;
        updated(Set.of(UserUpdated.PASSWORD), null, id, null, now);
    }

    /** The new address was confirmed from a link mailed to it: it applies, verified. */
    public void confirmEmailChange(EmailAddress newEmail, Instant now) {
        String previousEmail = email;
        email = newEmail.value();
        emailVerified = true;
        updated(Set.of(UserUpdated.EMAIL), previousEmail, id, null, now);
    }

    /**
     * "This wasn't me" from the notice sent to {@code formerEmail}: further email changes are locked until a
     * password reset or change, and if the change was confirmed meanwhile the account goes back to that address
     * (it just proved it reads it). The event makes auth-service end every session of the user.
     */
    public void cancelEmailChange(EmailAddress formerEmail, Instant now) {
        emailChangeLocked = true;
        updatedAt = now;
        if (!formerEmail.value().equals(email)) {
            String previousEmail = email;
            email = formerEmail.value();
            emailVerified = true;
            updated(Set.of(UserUpdated.EMAIL), previousEmail, id, null, now);
        }
        registerEvent(new EmailChangeCancelled(UUID.randomUUID(), id, id, now, email, name));
    }

    private void updated(Set<String> changed, String previousEmail, UUID actorId, String actorTokenId, Instant now) {
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
                actorTokenId,
                emailVerified));
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

    public boolean emailVerified() {
        return emailVerified;
    }

    public boolean emailChangeLocked() {
        return emailChangeLocked;
    }

    public long version() {
        return version == null ? 0 : version;
    }
}
