package dev.meridian.user.account;

import dev.meridian.events.SignUpWithExistingEmail;
import dev.meridian.events.UserDeleted;
import dev.meridian.user.account.AccountProblems.AccountNotFound;
import dev.meridian.user.account.AccountProblems.CurrentPasswordRequired;
import dev.meridian.user.account.AccountProblems.EmailAlreadyTaken;
import dev.meridian.user.account.AccountProblems.EmailChangeNeedsConfirmation;
import dev.meridian.user.account.AccountProblems.EmailNotVerified;
import dev.meridian.user.account.AccountProblems.LastAdministrator;
import dev.meridian.user.account.AccountProblems.NotAllowed;
import dev.meridian.user.account.AccountProblems.StaleVersion;
import dev.meridian.user.account.AccountProblems.WeakPassword;
import dev.meridian.user.account.AccountProblems.WrongCurrentPassword;
import dev.meridian.user.onetime.OneTimeRequests;
import dev.meridian.user.onetime.Purpose;
import dev.meridian.user.password.LoginThrottle;
import dev.meridian.user.password.PasswordPolicy;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionOperations;

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
    private final SignUpNotices notices;
    private final OneTimeRequests requests;
    private final ApplicationEventPublisher events;
    private final SignUpSettings signUp;
    private final VerificationSettings verification;
    private final TransactionOperations transactions;
    private final Clock clock;

    UserAccounts(
            UserRepository users,
            PasswordEncoder passwords,
            LoginThrottle throttle,
            SignUpNotices notices,
            OneTimeRequests requests,
            ApplicationEventPublisher events,
            SignUpSettings signUp,
            VerificationSettings verification,
            TransactionOperations transactions,
            Clock clock) {
        this.users = users;
        this.passwords = passwords;
        this.throttle = throttle;
        this.notices = notices;
        this.requests = requests;
        this.events = events;
        this.signUp = signUp;
        this.verification = verification;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Whether a sign-up by this caller is told that an address is registered ({@code 409}) and shown the account. */
    public boolean reveals(Caller caller) {
        return caller.admin() || signUp.revealExistingEmail();
    }

    /**
     * A new account with an unverified address and a verification mail due; or, for an address already registered
     * and a caller who is not to learn that ({@link #reveals}), a mail to its owner instead, and empty. Both paths
     * spend one password hash — the bulk of the time — and one lookup by email before they part, and then each
     * writes rows and events, so a registered address takes about as long as a new one. The hash is made before the
     * transaction begins: it is ~100 ms of CPU (seconds on a saturated machine) during which a pooled connection
     * would wait for nothing — ten concurrent sign-ups would hold the whole pool and every read would queue.
     */
    public Optional<UserView> register(SignUp request, Caller caller) {
        return register(request, caller, false);
    }

    /** The operator's first administrator: its address comes from configuration, so it counts as verified. */
    UserView registerVerified(SignUp request, Caller caller) {
        return register(request, caller, true).orElseThrow(EmailAlreadyTaken::new);
    }

    private Optional<UserView> register(SignUp request, Caller caller, boolean verified) {
        Role role = request.role() == null ? Role.USER : request.role();
        if (role != Role.USER && !caller.actsAsAdministrator()) {
            throw new NotAllowed("Only an administrator may create an account with role " + role);
        }
        var email = new EmailAddress(request.email());
        checkPassword(request.password(), email);
        String passwordHash = passwords.encode(request.password());
        return transactions.execute(status -> store(request, caller, role, email, passwordHash, verified, status));
    }

    private Optional<UserView> store(
            SignUp request,
            Caller caller,
            Role role,
            EmailAddress email,
            String passwordHash,
            boolean verified,
            TransactionStatus transaction) {
        Optional<User> existing = users.findByEmail(email.value());
        boolean hidden = !reveals(caller) && !verified;
        if (hidden && existing.isEmpty()) {
            notices.pending(email); // the same Redis round trip the registered path makes
        }
        if (existing.isPresent()) {
            if (!hidden) {
                throw new EmailAlreadyTaken();
            }
            User owner = existing.get();
            if (notices.due(email)) {
                events.publishEvent(new SignUpWithExistingEmail(
                        UUID.randomUUID(), owner.id(), null, clock.instant(), owner.email(), owner.name()));
            }
            return Optional.empty();
        }
        UUID verificationRequest = verified ? null : UUID.randomUUID();
        var user = User.register(
                email,
                request.name().strip(),
                passwordHash,
                role,
                caller.userId(),
                verificationRequest,
                clock.instant());
        try {
            user = saveUnique(user);
        } catch (EmailAlreadyTaken registeredMeanwhile) {
            if (reveals(caller) || verified) {
                throw registeredMeanwhile;
            }
            // A concurrent sign-up took the address: answer as for any registered one, writing nothing.
            transaction.setRollbackOnly();
            return Optional.empty();
        }
        if (verificationRequest != null) {
            requests.openWithId(verificationRequest, user.id(), Purpose.VERIFY_EMAIL, user.email());
        }
        return Optional.of(UserView.of(user));
    }

    /**
     * Saves a change another feature made to the account (verification, reset, email change), in the caller's
     * transaction, and evicts it from the cache after commit.
     */
    @Transactional
    @CacheEvict(cacheNames = CACHE, key = "#user.id().toString()")
    public User save(User user) {
        return saveUnique(user);
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
        if (caller.owns(user.id()) && !user.emailVerified() && verification.requiredForChanges()) {
            throw new EmailNotVerified();
        }
        if (emailChanges && caller.owns(user.id())) {
            // An address applies only once confirmed there (email change); another's is not theirs to change.
            throw new EmailChangeNeedsConfirmation();
        }
        if (emailChanges || changes.password() != null) {
            // Credentials are the owner's: an administrator changes another account's name, not how it signs in.
            if (!caller.owns(user.id())) {
                throw new NotAllowed("Only the account's owner may change its email or password");
            }
            confirmCurrentPassword(user, changes.currentPassword());
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
        if (!caller.actsAsAdministrator()) {
            throw new NotAllowed("Only an administrator may activate an account");
        }
        User user = users.findById(id).orElseThrow(() -> new AccountNotFound(id));
        return user.activate(caller.userId(), clock.instant()) ? UserView.of(saveUnique(user)) : UserView.of(user);
    }

    /**
     * Deletes the account (GDPR Art. 17): its row goes, and with it the hash, the pending one-time requests (cascade)
     * and the address, which can then sign up again as a new account; {@code UserDeleted} in the same transaction
     * tells the other services to forget the user. The owner re-authenticates with the current password (as for a
     * credential change, same throttle); an administrator deletes another account with their token. Anyone else,
     * and a second deletion, gets {@link AccountNotFound}. The last active administrator is not deleted.
     */
    @Transactional
    @CacheEvict(cacheNames = CACHE, key = "#id.toString()")
    public void delete(UUID id, AccountDeletion request, Caller caller) {
        User user = accessible(id, caller);
        boolean self = caller.owns(id);
        if (self) {
            confirmCurrentPassword(user, request == null ? null : request.currentPassword());
        }
        if (user.role() == Role.ADMIN
                && users.lockActiveAdministrators().stream().noneMatch(admin -> !admin.equals(id))) {
            throw new LastAdministrator();
        }
        if (!users.deleteAccount(id)) {
            throw new AccountNotFound(id);
        }
        events.publishEvent(new UserDeleted(
                UUID.randomUUID(),
                id,
                caller.userId(),
                clock.instant(),
                self ? UserDeleted.SELF : UserDeleted.ADMINISTRATOR));
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
    public void confirmCurrentPassword(User user, String currentPassword) {
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

    /** A new password under the policy, and not the account's email address; else {@link WeakPassword}. */
    public static void checkPassword(String password, EmailAddress email) {
        PasswordPolicy.violation(password).ifPresent(rule -> {
            throw new WeakPassword("The password " + rule);
        });
        if (PasswordPolicy.normalize(password).strip().toLowerCase(Locale.ROOT).equals(email.value())) {
            throw new WeakPassword("The password must not be the email address");
        }
    }
}
