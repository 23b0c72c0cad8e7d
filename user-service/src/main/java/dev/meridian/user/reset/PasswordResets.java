package dev.meridian.user.reset;

import dev.meridian.events.PasswordResetRequested;
import dev.meridian.user.account.EmailAddress;
import dev.meridian.user.account.User;
import dev.meridian.user.account.UserAccounts;
import dev.meridian.user.account.UserRepository;
import dev.meridian.user.onetime.OneTimeProblems.InvalidLink;
import dev.meridian.user.onetime.OneTimeRequests;
import dev.meridian.user.onetime.OneTimeRequests.Request;
import dev.meridian.user.onetime.Purpose;
import dev.meridian.user.onetime.RequestLimit;
import dev.meridian.user.password.LoginThrottle;
import jakarta.validation.Valid;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.validation.annotation.Validated;

/**
 * Forgot password, as OWASP's Forgot Password Cheat Sheet has it: asking answers the same for every address, and
 * does the same reads for each (the account by email, the recent requests of an account); only an active account
 * gets a request and a mail, and at most {@code meridian.password-reset.per-account} of them — beyond that the answer
 * is still the same and no mail goes out. The new password is checked against the policy before the link is used,
 * so a refused password leaves the link working.
 */
@Component
class PasswordResets {

    private final OneTimeRequests requests;
    private final UserRepository users;
    private final UserAccounts accounts;
    private final PasswordEncoder passwords;
    private final LoginThrottle throttle;
    private final ApplicationEventPublisher events;
    private final ResetSettings settings;
    private final TransactionOperations transactions;
    private final Clock clock;

    PasswordResets(
            OneTimeRequests requests,
            UserRepository users,
            UserAccounts accounts,
            PasswordEncoder passwords,
            LoginThrottle throttle,
            ApplicationEventPublisher events,
            ResetSettings settings,
            TransactionOperations transactions,
            Clock clock) {
        this.requests = requests;
        this.users = users;
        this.accounts = accounts;
        this.passwords = passwords;
        this.throttle = throttle;
        this.events = events;
        this.settings = settings;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Limits on reset mails per account; per client address the gateway limits the route. */
    @ConfigurationProperties("meridian.password-reset")
    @Validated
    record ResetSettings(@Valid List<RequestLimit> perAccount) {

        ResetSettings {
            perAccount =
                    perAccount == null ? List.of(new RequestLimit(3, Duration.ofHours(1))) : List.copyOf(perAccount);
        }
    }

    @Transactional
    void request(String email) {
        Optional<User> account = users.findByEmail(new EmailAddress(email).value());
        // The same throttle read for an unknown address (an id nobody has), so both cost the same queries.
        UUID userId = account.map(User::id).orElseGet(UUID::randomUUID);
        boolean throttled = requests.throttled(userId, Purpose.RESET_PASSWORD, settings.perAccount())
                .isPresent();
        if (account.isEmpty() || !account.get().isActive() || throttled) {
            return;
        }
        User user = account.get();
        UUID requestId = requests.open(user.id(), Purpose.RESET_PASSWORD, user.email());
        events.publishEvent(new PasswordResetRequested(
                UUID.randomUUID(), user.id(), null, clock.instant(), user.email(), user.name(), requestId));
    }

    /**
     * The link and the new password are checked, and the password hashed, before the transaction begins (a hash holds
     * no pooled connection, see {@code UserAccounts.register}); inside it the link is used — once, atomically — and
     * its account checked again. A weak password or a dead link uses nothing.
     */
    void reset(String token, String newPassword) {
        User holder = holder(requests.peek(Purpose.RESET_PASSWORD, token));
        UserAccounts.checkPassword(newPassword, new EmailAddress(holder.email()));
        String passwordHash = passwords.encode(newPassword);
        User user = transactions.execute(transaction -> {
            User current = holder(requests.use(Purpose.RESET_PASSWORD, token));
            // The other reset links mailed before are dead too: the one that worked was the owner's.
            requests.end(current.id(), Purpose.RESET_PASSWORD);
            current.resetPassword(passwordHash, clock.instant());
            return accounts.save(current);
        });
        throttle.forget(user.email());
    }

    /** The active account a live link was mailed to, at the address it was mailed to; else {@link InvalidLink}. */
    private User holder(Optional<Request> link) {
        Request request = link.orElseThrow(InvalidLink::new);
        return users.findById(request.userId())
                .filter(User::isActive)
                .filter(account -> account.email().equals(request.email()))
                .orElseThrow(InvalidLink::new);
    }
}
