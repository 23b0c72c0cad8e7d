package dev.meridian.user.verification;

import dev.meridian.events.EmailVerificationRequested;
import dev.meridian.user.account.AccountProblems.AccountNotFound;
import dev.meridian.user.account.AccountProblems.AlreadyVerified;
import dev.meridian.user.account.EmailAddress;
import dev.meridian.user.account.User;
import dev.meridian.user.account.UserAccounts;
import dev.meridian.user.account.UserRepository;
import dev.meridian.user.account.VerificationSettings;
import dev.meridian.user.onetime.OneTimeProblems.InvalidLink;
import dev.meridian.user.onetime.OneTimeProblems.TooManyRequests;
import dev.meridian.user.onetime.OneTimeRequests;
import dev.meridian.user.onetime.OneTimeRequests.Request;
import dev.meridian.user.onetime.Purpose;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Proving an address: by the mailed link's token, or by the mailed code typed with the address. A request counts
 * only for the address it was sent to — one changed since is not proven by it.
 */
@Component
class EmailVerifications {

    private final OneTimeRequests requests;
    private final UserRepository users;
    private final UserAccounts accounts;
    private final ApplicationEventPublisher events;
    private final VerificationSettings settings;
    private final Clock clock;

    EmailVerifications(
            OneTimeRequests requests,
            UserRepository users,
            UserAccounts accounts,
            ApplicationEventPublisher events,
            VerificationSettings settings,
            Clock clock) {
        this.requests = requests;
        this.users = users;
        this.accounts = accounts;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
    }

    @Transactional
    void verifyByToken(String token) {
        verified(requests.use(Purpose.VERIFY_EMAIL, token));
    }

    // The attempt is counted in its own transaction (see useCode): a wrong code stays counted.
    @Transactional
    void verifyByCode(String email, String code) {
        if (email == null || email.isBlank()) {
            throw new InvalidLink();
        }
        verified(requests.useCode(new EmailAddress(email).value(), code));
    }

    private void verified(Optional<Request> used) {
        Request request = used.orElseThrow(InvalidLink::new);
        User user = users.findById(request.userId())
                .filter(u -> u.email().equals(request.email()))
                .orElseThrow(InvalidLink::new);
        if (user.verifyEmail(clock.instant())) {
            accounts.save(user);
        }
    }

    /** Another verification mail for the signed-in user; throttled per account. */
    @Transactional
    void resend(UUID userId) {
        User user = users.findById(userId).orElseThrow(() -> new AccountNotFound(userId));
        if (user.emailVerified()) {
            throw new AlreadyVerified();
        }
        requests.throttled(userId, Purpose.VERIFY_EMAIL, settings.resend()).ifPresent(wait -> {
            throw new TooManyRequests("verification mails", wait);
        });
        UUID requestId = requests.open(userId, Purpose.VERIFY_EMAIL, user.email());
        events.publishEvent(new EmailVerificationRequested(
                UUID.randomUUID(), userId, userId, clock.instant(), user.email(), user.name(), requestId));
    }
}
