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
 * Turns user events into mail: {@link UserCreated} → a welcome, {@link UserUpdated} of the email → a confirmation to
 * the new address; other events ask for nothing. Everything the mail says comes from the event, so mail goes out
 * while user-service is down. Each sent mail is recorded by event id, so a redelivered event sends nothing twice.
 */
@Component
class UserEventIntake {

    static final String LISTENER = "notification-intake";

    private static final Logger log = LoggerFactory.getLogger(UserEventIntake.class);

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
                deliver(created, MailKind.WELCOME, created.email(), variables(created.name(), created.email(), null));
            case UserUpdated updated
            when updated.changed().contains(UserUpdated.EMAIL) ->
                deliver(
                        updated,
                        MailKind.EMAIL_CONFIRMATION,
                        updated.email(),
                        variables(updated.name(), updated.email(), updated.previousEmail()));
            default -> {
                // Nothing to tell the user.
            }
        }
    }

    private void deliver(UserEvent event, MailKind kind, String recipient, Map<String, Object> variables) {
        if (deliveries.alreadySent(event.eventId())) {
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

    private static Map<String, Object> variables(String name, String email, String previousEmail) {
        var variables = new HashMap<String, Object>();
        variables.put("name", name == null ? email : name);
        variables.put("email", email);
        variables.put("previousEmail", previousEmail);
        return variables;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
