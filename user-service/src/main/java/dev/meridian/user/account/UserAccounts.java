package dev.meridian.user.account;

import dev.meridian.user.account.AccountProblems.AccountNotFound;
import dev.meridian.user.account.AccountProblems.CurrentPasswordRequired;
import dev.meridian.user.account.AccountProblems.EmailAlreadyTaken;
import dev.meridian.user.account.AccountProblems.NotAllowed;
import dev.meridian.user.account.AccountProblems.StaleVersion;
import dev.meridian.user.account.AccountProblems.WeakPassword;
import dev.meridian.user.account.AccountProblems.WrongCurrentPassword;
import dev.meridian.user.password.LoginThrottle;
import dev.meridian.user.password.PasswordPolicy;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The rules of accounts: who may do what, unique emails, password policy, optimistic versions. Reads of one
 * account go through the {@code users} cache; every change evicts it (after commit, see the cache configuration).
 */
@Service
public class UserAccounts {

    public static final String CACHE = "users";

    private final UserRepository users;
    private final PasswordEncoder passwords;
    private final LoginThrottle throttle;
    private final Clock clock;

    UserAccounts(UserRepository users, PasswordEncoder passwords, LoginThrottle throttle, Clock clock) {
        this.users = users;
        this.passwords = passwords;
        this.throttle = throttle;
        this.clock = clock;
    }

    @Transactional
    public UserView register(SignUp request, Caller caller) {
        Role role = request.role() == null ? Role.USER : request.role();
        if (role != Role.USER && !caller.admin()) {
            throw new NotAllowed("Only an administrator may create an account with role " + role);
        }
        var email = new EmailAddress(request.email());
        checkPassword(request.password(), email);
        if (users.existsByEmail(email.value())) {
            throw new EmailAlreadyTaken();
        }
        var user = User.register(
                email,
                request.name().strip(),
                passwords.encode(request.password()),
                role,
                caller.userId(),
                clock.instant());
        return UserView.of(saveUnique(user));
    }

    // No transaction of its own: a cache hit must not borrow a connection; on a miss the repository call has one.
    @Cacheable(cacheNames = CACHE, key = "#id.toString()", unless = "#result == null")
    public Optional<UserView> find(UUID id) {
        return users.findById(id).map(UserView::of);
    }

    @Transactional(readOnly = true)
    public Page<UserView> list(Pageable page) {
        return users.findAll(page).map(UserView::of);
    }

    @Transactional
    @CacheEvict(cacheNames = CACHE, key = "#id.toString()")
    public UserView change(UUID id, long expectedVersion, AccountChanges changes, Caller caller) {
        User user = accessible(id, caller);
        if (user.version() != expectedVersion) {
            throw new StaleVersion(user.version());
        }
        EmailAddress email = changes.email() == null ? null : new EmailAddress(changes.email());
        boolean emailChanges = email != null && !email.value().equals(user.email());
        if (emailChanges || changes.password() != null) {
            // Credentials are the owner's: an administrator changes another account's name, not how it signs in.
            if (!caller.owns(user.id())) {
                throw new NotAllowed("Only the account's owner may change its email or password");
            }
            confirmCurrentPassword(user, changes.currentPassword());
        }
        if (emailChanges && users.existsByEmail(email.value())) {
            throw new EmailAlreadyTaken();
        }
        String passwordHash = null;
        if (changes.password() != null) {
            checkPassword(changes.password(), email != null ? email : new EmailAddress(user.email()));
            passwordHash = passwords.encode(changes.password());
        }
        String name = changes.name() == null ? null : changes.name().strip();
        if (!user.change(email, name, passwordHash, caller.userId(), caller.tokenId(), clock.instant())) {
            return UserView.of(user);
        }
        return UserView.of(saveUnique(user));
    }

    @Transactional
    @CacheEvict(cacheNames = CACHE, key = "#id.toString()")
    public UserView deactivate(UUID id, Caller caller) {
        User user = accessible(id, caller);
        return user.deactivate(caller.userId(), clock.instant()) ? UserView.of(saveUnique(user)) : UserView.of(user);
    }

    @Transactional
    @CacheEvict(cacheNames = CACHE, key = "#id.toString()")
    public UserView activate(UUID id, Caller caller) {
        if (!caller.admin()) {
            throw new NotAllowed("Only an administrator may activate an account");
        }
        User user = users.findById(id).orElseThrow(() -> new AccountNotFound(id));
        return user.activate(caller.userId(), clock.instant()) ? UserView.of(saveUnique(user)) : UserView.of(user);
    }

    private User accessible(UUID id, Caller caller) {
        return users.findById(id).filter(u -> caller.mayAccess(u.id())).orElseThrow(() -> new AccountNotFound(id));
    }

    /** Saves, turning the database's verdict on a race (unique email, version) into the account's own terms. */
    private User saveUnique(User user) {
        try {
            return users.save(user);
        } catch (RuntimeException e) {
            // Spring Data JDBC wraps the translated exception in a DbActionExecutionException.
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof DuplicateKeyException) {
                    throw new EmailAlreadyTaken();
                }
                if (cause instanceof OptimisticLockingFailureException) {
                    throw new StaleVersion(user.version());
                }
            }
            throw e;
        }
    }

    /**
     * The account's password, checked like a sign-in: counted by the {@link LoginThrottle} (with no address: the
     * request comes through the gateway), so a stolen token cannot be used to guess it either.
     */
    private void confirmCurrentPassword(User user, String currentPassword) {
        if (currentPassword == null || currentPassword.isEmpty()) {
            throw new CurrentPasswordRequired();
        }
        throttle.admit(user.email(), null);
        if (PasswordPolicy.tooLong(currentPassword) || !passwords.matches(currentPassword, user.passwordHash())) {
            throttle.failed(user.email(), null);
            throw new WrongCurrentPassword();
        }
        throttle.succeeded(user.email(), null);
    }

    private static void checkPassword(String password, EmailAddress email) {
        PasswordPolicy.violation(password).ifPresent(rule -> {
            throw new WeakPassword("The password " + rule);
        });
        if (PasswordPolicy.normalize(password).strip().toLowerCase(Locale.ROOT).equals(email.value())) {
            throw new WeakPassword("The password must not be the email address");
        }
    }
}
