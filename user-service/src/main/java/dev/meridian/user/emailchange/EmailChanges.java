package dev.meridian.user.emailchange;

import dev.meridian.events.EmailChangeRequested;
import dev.meridian.user.account.AccountProblems.AccountNotFound;
import dev.meridian.user.account.AccountProblems.EmailAlreadyTaken;
import dev.meridian.user.account.AccountProblems.EmailChangeLocked;
import dev.meridian.user.account.AccountProblems.EmailNotVerified;
import dev.meridian.user.account.EmailAddress;
import dev.meridian.user.account.User;
import dev.meridian.user.account.UserAccounts;
import dev.meridian.user.account.UserRepository;
import dev.meridian.user.account.VerificationSettings;
import dev.meridian.user.onetime.OneTimeProblems.InvalidLink;
import dev.meridian.user.onetime.OneTimeRequests;
import dev.meridian.user.onetime.OneTimeRequests.Request;
import dev.meridian.user.onetime.Purpose;
import java.time.Clock;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changing the address as Keycloak's update-email workflow does: nothing changes until a link mailed to the new
 * address is followed; the current address gets a notice with a "this wasn't me" link that cancels the change and
 * locks further ones until the password is reset or changed. Whether the new address is taken is not told when the
 * change is asked for (that would be an oracle for who has an account): the confirmation then fails with 409.
 */
@Component
class EmailChanges {

    private final OneTimeRequests requests;
    private final UserRepository users;
    private final UserAccounts accounts;
    private final ApplicationEventPublisher events;
    private final VerificationSettings verification;
    private final Clock clock;

    EmailChanges(
            OneTimeRequests requests,
            UserRepository users,
            UserAccounts accounts,
            ApplicationEventPublisher events,
            VerificationSettings verification,
            Clock clock) {
        this.requests = requests;
        this.users = users;
        this.accounts = accounts;
        this.events = events;
        this.verification = verification;
        this.clock = clock;
    }

    @Transactional
    void request(UUID userId, EmailAddress newEmail, String currentPassword) {
        User user = users.findById(userId).orElseThrow(() -> new AccountNotFound(userId));
        if (!user.emailVerified() && verification.requiredForChanges()) {
            throw new EmailNotVerified();
        }
        if (user.emailChangeLocked()) {
            throw new EmailChangeLocked();
        }
        accounts.confirmCurrentPassword(user, currentPassword);
        if (newEmail.value().equals(user.email())) {
            return;
        }
        // A new change replaces one still pending: opening ends the open requests of each purpose.
        UUID confirm = requests.open(user.id(), Purpose.CONFIRM_EMAIL_CHANGE, newEmail.value());
        UUID cancel = requests.open(user.id(), Purpose.CANCEL_EMAIL_CHANGE, user.email());
        events.publishEvent(new EmailChangeRequested(
                UUID.randomUUID(),
                user.id(),
                user.id(),
                clock.instant(),
                user.email(),
                newEmail.value(),
                user.name(),
                confirm,
                cancel));
    }

    @Transactional
    void confirm(String token) {
        Request link = requests.use(Purpose.CONFIRM_EMAIL_CHANGE, token).orElseThrow(InvalidLink::new);
        User user = users.findById(link.userId()).orElseThrow(InvalidLink::new);
        if (user.emailChangeLocked()) {
            throw new InvalidLink();
        }
        var newEmail = new EmailAddress(link.email());
        if (users.existsByEmail(newEmail.value())) {
            throw new EmailAlreadyTaken();
        }
        user.confirmEmailChange(newEmail, clock.instant());
        accounts.save(user);
    }

    @Transactional
    void cancel(String token) {
        Request link = requests.use(Purpose.CANCEL_EMAIL_CHANGE, token).orElseThrow(InvalidLink::new);
        User user = users.findById(link.userId()).orElseThrow(InvalidLink::new);
        requests.end(user.id(), Purpose.CONFIRM_EMAIL_CHANGE);
        user.cancelEmailChange(new EmailAddress(link.email()), clock.instant());
        accounts.save(user);
    }
}
