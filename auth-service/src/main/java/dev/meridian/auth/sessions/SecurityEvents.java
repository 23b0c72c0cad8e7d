package dev.meridian.auth.sessions;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.RecoveryCodeUsed;
import dev.meridian.events.RecoveryCodesRegenerated;
import dev.meridian.events.RefreshTokenReused;
import dev.meridian.events.SecondFactorEnrolled;
import dev.meridian.events.SecondFactorRemoved;
import dev.meridian.events.SessionsRevoked;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Security events about a user, published on {@link UserEvents#TOPIC} next to user-service's account events so
 * that they land in the user's audit log. They are rare and raised inside a token request, so each is sent
 * synchronously; one Kafka does not take is logged at ERROR with its full JSON and counted
 * ({@code meridian.auth.security_events.failures}), never dropped silently.
 */
@Component
public class SecurityEvents {

    private static final Logger log = LoggerFactory.getLogger(SecurityEvents.class);

    private final KafkaTemplate<String, String> kafka;
    private final RegisteredClientRepository clients;
    private final JsonMapper json;
    private final Counter failures;

    SecurityEvents(
            KafkaTemplate<String, String> kafka,
            RegisteredClientRepository clients,
            JsonMapper json,
            MeterRegistry meters) {
        this.kafka = kafka;
        this.clients = clients;
        this.json = json;
        this.failures = Counter.builder("meridian.auth.security_events.failures")
                .description("Security events Kafka did not take; each is in the log at ERROR")
                .register(meters);
    }

    /** The refresh-token family {@code family} was revoked because a rotated refresh token came back. */
    public void refreshTokenReused(OAuth2Authorization family) {
        Optional<UUID> user = userId(family.getPrincipalName());
        if (user.isEmpty()) {
            return; // a client's own grant: no user to report it to
        }
        RegisteredClient client = clients.findById(family.getRegisteredClientId());
        publish(new RefreshTokenReused(
                UUID.randomUUID(),
                user.get(),
                null,
                Instant.now(),
                client == null ? family.getRegisteredClientId() : client.getClientId(),
                family.getId()));
    }

    /** Sessions of {@code user} were ended from the sessions API or page by {@code actor} (the user, or an admin). */
    public void sessionsRevoked(UUID user, UUID actor, List<String> authorizationIds, boolean everywhere) {
        publish(new SessionsRevoked(UUID.randomUUID(), user, actor, Instant.now(), authorizationIds, everywhere));
    }

    /** {@code user} added a second factor of kind {@code factor}, with {@code recoveryCodes} recovery codes. */
    public void secondFactorEnrolled(UUID user, String factor, int recoveryCodes) {
        publish(new SecondFactorEnrolled(UUID.randomUUID(), user, user, Instant.now(), factor, recoveryCodes));
    }

    /** {@code user}'s second factor of kind {@code factor} was removed by {@code actor}. */
    public void secondFactorRemoved(UUID user, UUID actor, String factor) {
        publish(new SecondFactorRemoved(UUID.randomUUID(), user, actor, Instant.now(), factor));
    }

    /** {@code user} signed in with a recovery code; {@code remaining} are left. */
    public void recoveryCodeUsed(UUID user, int remaining) {
        publish(new RecoveryCodeUsed(UUID.randomUUID(), user, user, Instant.now(), remaining));
    }

    /** {@code user} made {@code recoveryCodes} new recovery codes; the event says how many, never which. */
    public void recoveryCodesRegenerated(UUID user, int recoveryCodes) {
        publish(new RecoveryCodesRegenerated(UUID.randomUUID(), user, user, Instant.now(), recoveryCodes));
    }

    private void publish(UserEvent event) {
        String value = json.writeValueAsString(event);
        var record = new ProducerRecord<String, String>(
                UserEvents.TOPIC, event.userId().toString(), value);
        CloudEventHeaders.of(event, UserEvents.AUTH_SOURCE)
                .forEach((name, text) ->
                        record.headers().add(new RecordHeader(name, text.getBytes(StandardCharsets.UTF_8))));
        try {
            kafka.send(record).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(event, value, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            failed(event, value, e);
        }
    }

    private void failed(UserEvent event, String value, Exception cause) {
        failures.increment();
        log.error("Security event {} {} was not published to Kafka: {}", event.type(), event.eventId(), value, cause);
    }

    private static Optional<UUID> userId(String principal) {
        try {
            return Optional.of(UUID.fromString(principal));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
