package dev.meridian.auth.sessions;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.EmailChangeCancelled;
import dev.meridian.events.UserDeactivated;
import dev.meridian.events.UserDeleted;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserEvents;
import dev.meridian.events.UserUpdated;
import dev.meridian.starters.eventintake.UnreadableEvent;
import dev.meridian.starters.eventintake.UserEventReader;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ends sessions when user-service says so (contract C3): {@link UserDeactivated} and {@link EmailChangeCancelled}
 * end all of the user's sessions; {@link UserDeleted} forgets the user altogether (every authorization, consent and
 * sign-in record, {@link Sessions#forget});
 * {@link UserUpdated} of the password or the email ends all but the one the change was made with (its access token's
 * {@code jti} is the event's {@code actorTokenId}). Other events, and types this build does not know, ask for
 * nothing. A record no retry can read goes to the dead-letter topic at once; a failure to
 * end the sessions (the database) is retried with back-off, then logged at ERROR and dead-lettered
 * (meridian-event-intake-spring-boot-starter). Until a dead-lettered deactivation is handled, the user's refresh
 * tokens still fail, because every refresh asks user-service ({@code login/CurrentRoles}); only access tokens already
 * issued live out their 15 minutes.
 */
@Component
class UserEventIntake {

    static final String LISTENER = "auth-sessions";

    /** The event types that may end sessions; every other type is skipped unread. */
    private static final Set<String> ENDING =
            Set.of(UserDeactivated.TYPE, UserUpdated.TYPE, EmailChangeCancelled.TYPE, UserDeleted.TYPE);

    private static final Logger log = LoggerFactory.getLogger(UserEventIntake.class);

    private final Sessions sessions;
    private final UserEventReader reader;

    UserEventIntake(Sessions sessions, JsonMapper json) {
        this.sessions = sessions;
        this.reader = new UserEventReader(json);
    }

    // The id names the container; the consumer group is the service's own (spring.kafka.consumer.group-id).
    @KafkaListener(id = LISTENER, idIsGroup = false, topics = UserEvents.TOPIC)
    void receive(ConsumerRecord<String, String> record) {
        String type = UserEventReader.header(record, CloudEventHeaders.TYPE);
        if (type == null) {
            throw new UnreadableEvent("A record without a " + CloudEventHeaders.TYPE + " header");
        }
        if (!ENDING.contains(type)) {
            return; // another event (or a type of a later build): nothing about sessions
        }
        switch (read(record)) {
            case UserDeactivated deactivated ->
                sessions.end(deactivated.userId(), deactivated.occurredAt(), Optional.empty(), "deactivated");
            // The owner said a pending email change was not theirs: whoever asked for it may be signed in.
            case EmailChangeCancelled cancelled ->
                sessions.end(cancelled.userId(), cancelled.occurredAt(), Optional.empty(), "email-change-cancelled");
            // Nothing of a deleted account stays: authorizations, consents, sign-in records.
            case UserDeleted deleted -> sessions.forget(deleted.userId());
            case UserUpdated updated
            when credentialChanged(updated) ->
                sessions.end(
                        updated.userId(),
                        updated.occurredAt(),
                        Optional.ofNullable(updated.actorTokenId()),
                        "credential-changed");
            default -> {
                // A change of name only: the sessions stay.
            }
        }
    }

    private static boolean credentialChanged(UserUpdated updated) {
        return updated.changed() != null
                && (updated.changed().contains(UserUpdated.PASSWORD)
                        || updated.changed().contains(UserUpdated.EMAIL));
    }

    private UserEvent read(ConsumerRecord<String, String> record) {
        UserEvent event = reader.read(record);
        log.debug("{} {} about user {}", event.type(), event.eventId(), event.userId());
        return event;
    }
}
