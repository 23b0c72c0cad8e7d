package dev.meridian.notification.intake;

import dev.meridian.events.EmailChangeCancelled;
import dev.meridian.events.EmailChangeRequested;
import dev.meridian.events.EmailVerificationRequested;
import dev.meridian.events.EmailVerified;
import dev.meridian.events.PasswordResetRequested;
import dev.meridian.events.RecoveryCodesRegenerated;
import dev.meridian.events.SecondFactorEnrolled;
import dev.meridian.events.SecondFactorRemoved;
import dev.meridian.events.SignUpWithExistingEmail;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserDeleted;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserEvents;
import dev.meridian.events.UserUpdated;
import dev.meridian.notification.delivery.Deliveries;
import dev.meridian.notification.links.DueMails;
import dev.meridian.notification.mail.MailKind;
import dev.meridian.notification.mail.Mailer;
import dev.meridian.starters.eventintake.UnreadableEvent;
import dev.meridian.starters.eventintake.UserEventReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.mail.MailException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns user events into mail: {@link UserCreated} of a verified address or {@link EmailVerified} → a welcome;
 * {@link UserUpdated} of the email → a confirmation to the new address and a notice to the previous one; of the
 * password → a notice to the account's address; {@link SignUpWithExistingEmail} and {@link EmailChangeCancelled} → a
 * notice; other events ask for nothing. No mail but the verification goes to an address not yet verified. Those
 * notices say only what the event says and are sent here. The mails with a link ({@link EmailVerificationRequested},
 * {@link PasswordResetRequested}, {@link EmailChangeRequested}) are only recorded as due here: {@code
 * links.DueMailSender} fetches their links from user-service and sends them, so a user-service outage never holds
 * this listener. Each mail is recorded by event id and kind, so a redelivered event sends nothing twice.
 *
 * <p>auth-service's {@link SecondFactorEnrolled}, {@link SecondFactorRemoved} and {@link RecoveryCodesRegenerated}
 * → a security notice (what changed, when, no secret: the events carry none) to the address {@link Recipients} keeps
 * from the account events, since these name only the user; with no verified address known, the notice is recorded
 * skipped.
 */
@Component
@EnableConfigurationProperties(PublicPages.class)
class UserEventIntake {

    static final String LISTENER = "notification-intake";

    private static final Logger log = LoggerFactory.getLogger(UserEventIntake.class);
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Deliveries deliveries;
    private final Recipients recipients;
    private final DueMails dues;
    private final Mailer mailer;
    private final UserEventReader reader;
    private final PublicPages pages;
    private final Counter conflicting;

    UserEventIntake(
            Deliveries deliveries,
            Recipients recipients,
            DueMails dues,
            Mailer mailer,
            JsonMapper json,
            PublicPages pages,
            MeterRegistry meters) {
        this.deliveries = deliveries;
        this.recipients = recipients;
        this.dues = dues;
        this.mailer = mailer;
        this.reader = new UserEventReader(json);
        this.pages = pages;
        this.conflicting = Counter.builder("notification.mails")
                .tag("outcome", "conflicting")
                .description("Events whose id was reused for a mail to another recipient")
                .register(meters);
    }

    // The id names the container; the consumer group is the service's own (spring.kafka.consumer.group-id).
    @KafkaListener(id = LISTENER, idIsGroup = false, topics = UserEvents.TOPIC)
    void receive(ConsumerRecord<String, String> record) {
        UserEvent event = read(record);
        remember(event);
        switch (event) {
            case UserCreated created
            when created.mayReceiveMail() ->
                deliver(
                        created,
                        MailKind.WELCOME,
                        created.email(),
                        variables(created.name(), created.email(), null, created.occurredAt()));
            case UserCreated unverified -> {
                // Welcomed once verified (EmailVerified): no mail but the verification to an unproven address.
            }
            case EmailVerified verified ->
                deliver(
                        verified,
                        MailKind.WELCOME,
                        verified.email(),
                        variables(verified.name(), verified.email(), null, verified.occurredAt()));
            case UserUpdated updated when updated.mayReceiveMail() -> credentialsChanged(updated);
            case UserUpdated unverified -> {
                // Notices wait for a verified address.
            }
            case SignUpWithExistingEmail attempt -> {
                var variables = variables(attempt.name(), attempt.email(), null, attempt.occurredAt());
                variables.put("signInUrl", pages.signIn());
                variables.put("forgotPasswordUrl", pages.forgotPassword());
                deliver(attempt, MailKind.SIGN_UP_ATTEMPT, attempt.email(), variables);
            }
            case EmailChangeCancelled cancelled ->
                deliver(
                        cancelled,
                        MailKind.EMAIL_CHANGE_CANCELLED,
                        cancelled.email(),
                        variables(cancelled.name(), cancelled.email(), null, cancelled.occurredAt()));
            case EmailVerificationRequested requested ->
                due(
                        requested,
                        MailKind.EMAIL_VERIFICATION,
                        requested.email(),
                        requested.requestId(),
                        requested.name(),
                        null);
            case PasswordResetRequested requested ->
                due(
                        requested,
                        MailKind.PASSWORD_RESET,
                        requested.email(),
                        requested.requestId(),
                        requested.name(),
                        null);
            case EmailChangeRequested requested -> {
                due(
                        requested,
                        MailKind.EMAIL_CHANGE_CONFIRMATION,
                        requested.newEmail(),
                        requested.confirmRequestId(),
                        requested.name(),
                        requested.currentEmail());
                due(
                        requested,
                        MailKind.EMAIL_CHANGE_REQUESTED_NOTICE,
                        requested.currentEmail(),
                        requested.cancelRequestId(),
                        requested.name(),
                        requested.newEmail());
            }
            case SecondFactorEnrolled enrolled ->
                securityNotice(enrolled, MailKind.SECOND_FACTOR_ADDED, factor(enrolled.factor()));
            case SecondFactorRemoved removed ->
                securityNotice(removed, MailKind.SECOND_FACTOR_REMOVED, factor(removed.factor()));
            case RecoveryCodesRegenerated regenerated ->
                securityNotice(regenerated, MailKind.RECOVERY_CODES_REGENERATED, null);
            // No mail; the address and name are forgotten, what was mailed when stays (exactly once).
            case UserDeleted deleted -> {
                dues.forget(deleted.userId());
                deliveries.forget(deleted.userId());
                recipients.forget(deleted.userId());
            }
            default -> {
                // Nothing to tell the user.
            }
        }
    }

    /**
     * A changed email is confirmed to the new address and told to the previous one, where the owner still reads
     * mail if someone else made the change; a changed password is told to the account's address — the previous one
     * when the email changed too. A name change asks for no mail. The mails hold no link and no secret.
     */
    private void credentialsChanged(UserUpdated updated) {
        var variables = variables(updated.name(), updated.email(), updated.previousEmail(), updated.occurredAt());
        boolean emailChanged = updated.changed().contains(UserUpdated.EMAIL);
        if (emailChanged) {
            deliver(updated, MailKind.EMAIL_CONFIRMATION, updated.email(), variables);
            if (updated.previousEmail() != null && !updated.previousEmail().equalsIgnoreCase(updated.email())) {
                deliver(updated, MailKind.EMAIL_CHANGED_NOTICE, updated.previousEmail(), variables);
            }
        }
        if (updated.changed().contains(UserUpdated.PASSWORD)) {
            String owner = emailChanged && updated.previousEmail() != null ? updated.previousEmail() : updated.email();
            deliver(updated, MailKind.PASSWORD_CHANGED, owner, variables);
        }
    }

    /** The user's address and name as the account events give them, for the notices whose events carry neither. */
    private void remember(UserEvent event) {
        switch (event) {
            case UserCreated created ->
                recipients.remember(
                        created.userId(),
                        created.email(),
                        created.name(),
                        created.mayReceiveMail(),
                        created.occurredAt());
            case EmailVerified verified ->
                recipients.remember(verified.userId(), verified.email(), verified.name(), true, verified.occurredAt());
            case UserUpdated updated ->
                recipients.remember(
                        updated.userId(),
                        updated.email(),
                        updated.name(),
                        updated.mayReceiveMail(),
                        updated.occurredAt());
            default -> {
                // Says nothing of the address.
            }
        }
    }

    /**
     * A second factor added or removed, or new recovery codes: told to the account's verified address, so the owner
     * learns of it if someone else did it. {@code factor}: what kind, in words ({@code null}: not said).
     */
    private void securityNotice(UserEvent event, MailKind kind, String factor) {
        var to = recipients.verified(event.userId());
        if (to.isEmpty()) {
            if (!deliveries.settled(event.eventId(), kind)) {
                deliveries.skipped(
                        new Deliveries.Attempt(event.eventId(), kind, event.userId(), UNKNOWN_RECIPIENT),
                        "no verified address known for the user");
            }
            return;
        }
        var variables = variables(to.get().name(), to.get().email(), null, event.occurredAt());
        variables.put("factor", factor);
        deliver(event, kind, to.get().email(), variables);
    }

    /** The kinds auth-service names; a kind added later reads as what it is, a second factor. */
    private static String factor(String kind) {
        return switch (kind == null ? "" : kind) {
            case SecondFactorEnrolled.TOTP -> "an authenticator app";
            case "passkey" -> "a passkey";
            default -> "a second factor";
        };
    }

    /** A mail this service cannot address is recorded with this as its recipient (the column is required). */
    static final String UNKNOWN_RECIPIENT = "unknown";

    /** A mail that needs a link: recorded as due, sent by the scheduled sender (see the class comment). */
    private void due(UserEvent event, MailKind kind, String recipient, UUID requestId, String name, String otherEmail) {
        if (deliveries.settled(event.eventId(), kind)) {
            log.info("The {} mail of event {} was settled before; redelivery ignored", kind, event.eventId());
            return;
        }
        var variables = new HashMap<String, String>();
        variables.put("name", name == null ? recipient : name);
        variables.put("email", recipient);
        variables.put("otherEmail", otherEmail);
        variables.put("requestedAt", event.occurredAt() == null ? null : WHEN.format(event.occurredAt()));
        dues.due(new Deliveries.Attempt(event.eventId(), kind, event.userId(), recipient), requestId, variables);
    }

    private void deliver(UserEvent event, MailKind kind, String recipient, Map<String, Object> variables) {
        Optional<String> sentTo = deliveries.sentTo(event.eventId(), kind);
        if (sentTo.isPresent() && sentTo.get().equals(Deliveries.ERASED)) {
            log.info("The {} mail of event {} is of a deleted user; not sent", kind, event.eventId());
            return;
        }
        if (sentTo.isPresent() && sentTo.get().equalsIgnoreCase(recipient)) {
            log.info("The {} mail of event {} was sent before; redelivery ignored", kind, event.eventId());
            return;
        }
        if (sentTo.isPresent()) {
            // Not a redelivery: the publisher reused an event id for another recipient. An event's mail goes out
            // once (the first recipient has it), so none is sent; the reuse is counted and warned of (no address in
            // the line) for an operator to take up with the publisher.
            conflicting.increment();
            log.warn(
                    "Event {} asks again for its {} mail, to another recipient; not sent, the mail of an event goes"
                            + " out once",
                    event.eventId(),
                    kind);
            return;
        }
        var attempt = new Deliveries.Attempt(event.eventId(), kind, event.userId(), recipient);
        try {
            mailer.send(kind, recipient, variables, event.eventId());
        } catch (MailException e) {
            deliveries.failed(attempt, e.getMessage());
            throw e;
        }
        deliveries.sent(attempt);
    }

    /** The event, with the email and request its mail needs; anything else is unreadable, not retryable. */
    private UserEvent read(ConsumerRecord<String, String> record) {
        UserEvent event = reader.read(record);
        boolean incomplete = switch (event) {
            case UserCreated created -> created.email() == null;
            case UserUpdated updated -> updated.email() == null;
            case EmailVerified verified -> verified.email() == null;
            case SignUpWithExistingEmail attempt -> attempt.email() == null;
            case EmailChangeCancelled cancelled -> cancelled.email() == null;
            case EmailVerificationRequested requested -> requested.email() == null || requested.requestId() == null;
            case PasswordResetRequested requested -> requested.email() == null || requested.requestId() == null;
            case EmailChangeRequested requested ->
                requested.currentEmail() == null
                        || requested.newEmail() == null
                        || requested.confirmRequestId() == null
                        || requested.cancelRequestId() == null;
            default -> false;
        };
        if (incomplete) {
            throw new UnreadableEvent("A " + event.type() + " without the email to write to or the request it names");
        }
        return event;
    }

    private static Map<String, Object> variables(String name, String email, String previousEmail, Instant at) {
        var variables = new HashMap<String, Object>();
        variables.put("name", name == null ? email : name);
        variables.put("email", email);
        variables.put("previousEmail", previousEmail);
        variables.put("changedAt", at == null ? null : WHEN.format(at));
        return variables;
    }
}
