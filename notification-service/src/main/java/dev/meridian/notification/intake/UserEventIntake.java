package dev.meridian.notification.intake;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserEvents;
import dev.meridian.events.UserUpdated;
import dev.meridian.notification.delivery.Deliveries;
import dev.meridian.notification.mail.MailKind;
import dev.meridian.notification.mail.Mailer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.mail.MailException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns user events into mail: {@link UserCreated} → a welcome; {@link UserUpdated} of the email → a confirmation to
 * the new address and a notice to the previous one; of the password → a notice to the account's address; other
 * events ask for nothing. Everything the mail says comes from the event, so mail goes out
 * while user-service is down. Each sent mail is recorded by event id and kind, so a redelivered event sends nothing twice.
 */
@Component
class UserEventIntake {

    static final String LISTENER = "notification-intake";

    private static final Logger log = LoggerFactory.getLogger(UserEventIntake.class);
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Deliveries deliveries;
    private final Mailer mailer;
    private final JsonMapper json;

    UserEventIntake(Deliveries deliveries, Mailer mailer, JsonMapper json) {
        this.deliveries = deliveries;
        this.mailer = mailer;
        this.json = json;
    }

    @KafkaListener(id = LISTENER, topics = UserEvents.TOPIC)
    void receive(ConsumerRecord<String, String> record) {
        switch (read(record)) {
            case UserCreated created ->
                deliver(
                        created,
                        MailKind.WELCOME,
                        created.email(),
                        variables(created.name(), created.email(), null, created.occurredAt()));
            case UserUpdated updated -> credentialsChanged(updated);
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

    private void deliver(UserEvent event, MailKind kind, String recipient, Map<String, Object> variables) {
        if (deliveries.alreadySent(event.eventId(), kind)) {
            log.info("The {} mail of event {} was sent before; redelivery ignored", kind, event.eventId());
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

    /** The event's data as the record its CloudEvents type names; anything else is unreadable, not retryable. */
    private UserEvent read(ConsumerRecord<String, String> record) {
        String type = header(record, CloudEventHeaders.TYPE);
        Class<? extends UserEvent> dataType =
                UserEvents.dataType(type).orElseThrow(() -> new UnreadableEvent("Unknown event type " + type));
        UserEvent event;
        try {
            event = json.readValue(record.value() == null ? "" : record.value(), dataType);
        } catch (JacksonException e) {
            throw new UnreadableEvent("The data is not a readable " + type + ": " + e.getOriginalMessage());
        }
        String id = header(record, CloudEventHeaders.ID);
        if (event.eventId() == null || !event.eventId().toString().equals(id) || event.userId() == null) {
            throw new UnreadableEvent("A " + type + " without userId, or whose eventId is not its ce_id " + id);
        }
        if ((event instanceof UserCreated created && created.email() == null)
                || (event instanceof UserUpdated updated && updated.email() == null)) {
            throw new UnreadableEvent("A " + type + " without the email to write to");
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

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
