package dev.meridian.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.events.PasswordResetRequested;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.Server;
import dev.meridian.testkit.SmtpServer;
import dev.meridian.testkit.TokenIssuer;
import dev.meridian.testkit.UserEventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A link mail that is due when the service stops is sent after it starts again, exactly once, even by two instances
 * sharing one database (each due mail is held by one sender: FOR UPDATE SKIP LOCKED). The instances run in this JVM
 * against real PostgreSQL, Kafka, Redis and SMTP, and a user-service stand-in that is down at first.
 */
class DueMailRestartIT {

    private static final SmtpServer SMTP = SmtpServer.startEmbedded();
    private static final TokenIssuer ISSUER = TokenIssuer.start("http://localhost:8080");
    private static final MailLinksStandIn STAND_IN = standIn();
    private static final UserEventPublisher PUBLISHER =
            new UserEventPublisher(KafkaBroker.shared().bootstrapServers());

    private final Map<String, Object> properties = properties();

    @AfterAll
    static void stop() {
        PUBLISHER.close();
        STAND_IN.stop();
    }

    @Test
    void aMailDueAcrossARestartIsSentOnceByOneOfTwoInstances() throws Exception {
        UUID user = UUID.randomUUID();
        UUID request = STAND_IN.request("reset-password");
        var reset = new PasswordResetRequested(
                UUID.randomUUID(), user, user, Instant.now(), "user-" + user + "@example.com", "Ada", request);
        STAND_IN.stopUserService();

        try (ConfigurableApplicationContext first = start()) {
            PUBLISHER.publish(reset);
            JdbcClient jdbc = first.getBean(JdbcClient.class);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> jdbc.sql("select coalesce(max(attempts), 0) from due_delivery where event_id = ?")
                                    .param(reset.eventId())
                                    .query(Integer.class)
                                    .single()
                            >= 2);
        }
        assertThat(SMTP.messagesTo(reset.email())).isEmpty();

        try (ConfigurableApplicationContext second = start();
                ConfigurableApplicationContext third = start()) {
            STAND_IN.startUserService();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !SMTP.messagesTo(reset.email()).isEmpty());
            PUBLISHER.publish(reset); // delivered again after it was sent
            Thread.sleep(2_000); // a few rounds of both senders

            assertThat(SMTP.messagesTo(reset.email())).hasSize(1);
            assertThat(STAND_IN.minted.get(request)).as("links fetched").hasSize(1);
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            assertThat(jdbc.sql("select status from delivery where event_id = ?")
                            .param(reset.eventId())
                            .query(String.class)
                            .single())
                    .isEqualTo("SENT");
            assertThat(jdbc.sql("select count(*) from due_delivery")
                            .query(Long.class)
                            .single())
                    .isZero();
        }
    }

    private ConfigurableApplicationContext start() {
        // As command-line arguments: above application.yml, as a deployment's settings are.
        String[] arguments = properties.entrySet().stream()
                .map(property -> "--" + property.getKey() + "=" + property.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(NotificationApplication.class).run(arguments);
    }

    /** One database and one consumer group for every instance of this test, and none another test uses. */
    private static Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        properties.putAll(Server.POSTGRES.springProperties("notification-restart"));
        properties.putAll(Server.REDIS.springProperties("notification-restart"));
        properties.putAll(Server.KAFKA.springProperties("notification-restart"));
        properties.put("spring.kafka.consumer.group-id", "notification-restart-" + UUID.randomUUID());
        properties.put("spring.mail.host", SMTP.host());
        properties.put("spring.mail.port", SMTP.port());
        properties.put("server.port", 0);
        properties.put("eureka.client.enabled", false);
        properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER.issuer());
        properties.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", ISSUER.jwkSetUri());
        properties.put("meridian.mail.links.url", STAND_IN.userServiceUrl());
        properties.put("spring.security.oauth2.client.provider.meridian.token-uri", STAND_IN.tokenUri());
        properties.put("NOTIFICATION_SERVICE_CLIENT_SECRET", MailLinksStandIn.CLIENT_SECRET);
        properties.put("meridian.mail.links.poll-interval", "100ms");
        properties.put("meridian.mail.links.initial-back-off", "200ms");
        properties.put("meridian.mail.links.max-back-off", "500ms");
        properties.put(
                "resilience4j.circuitbreaker.instances.user-service-mail-links.wait-duration-in-open-state", "500ms");
        return properties;
    }

    private static MailLinksStandIn standIn() {
        try {
            return new MailLinksStandIn(ISSUER);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
