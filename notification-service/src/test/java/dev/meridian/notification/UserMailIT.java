package dev.meridian.notification;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static dev.meridian.testkit.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.meridian.events.RecoveryCodesRegenerated;
import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.events.SecondFactorEnrolled;
import dev.meridian.events.SecondFactorRemoved;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserDeactivated;
import dev.meridian.events.UserDeleted;
import dev.meridian.events.UserEvents;
import dev.meridian.events.UserUpdated;
import dev.meridian.testkit.ApiClient;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import dev.meridian.testkit.SmtpServer;
import dev.meridian.testkit.TokenIssuer;
import dev.meridian.testkit.TopicReader;
import dev.meridian.testkit.UserEventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "meridian.events.retry.max-attempts=50",
            "meridian.events.retry.initial-interval=100ms",
            "meridian.events.retry.max-interval=500ms"
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class UserMailIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** An SMTP server of this test's own, in this JVM: the test reads what it received, stops and restarts it. */
    private static final SmtpServer SMTP = SmtpServer.startEmbedded();

    private static final TokenIssuer ISSUER = TokenIssuer.start("http://localhost:8080");
    private static final UserEventPublisher PUBLISHER =
            new UserEventPublisher(KafkaBroker.shared().bootstrapServers());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    /** The event-intake starter's replay: a container of its own, not one of the registry's listeners. */
    @Autowired
    @Qualifier("deadLetterReplayContainer")
    MessageListenerContainer deadLetterReplay;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", SMTP::host);
        registry.add("spring.mail.port", SMTP::port);
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER::issuer);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", ISSUER::jwkSetUri);
    }

    @AfterAll
    static void closePublisher() {
        PUBLISHER.close();
    }

    @Test
    void aNewUserGetsOneWelcomeMailInHtmlAndPlainText() throws Exception {
        UserCreated ada = created("Ada Lovelace");
        PUBLISHER.publish(ada);

        MimeMessage welcome = awaitMail(ada.email());

        assertThat(welcome.getSubject()).isEqualTo("Welcome to Meridian");
        assertThat(welcome.getFrom()[0].toString()).isEqualTo("Meridian <no-reply@meridian.local>");
        assertThat(welcome.getMessageID()).isEqualTo("<" + ada.eventId() + "@meridian.local>");
        assertThat(text(welcome, "text/plain")).contains("Welcome, Ada Lovelace!", ada.email());
        assertThat(text(welcome, "text/html")).contains("<h1>Welcome, <span>Ada Lovelace</span>!</h1>");
        JsonNode delivery = awaitDelivery(ada.eventId(), "SENT");
        assertThat(delivery.get("kind").asString()).isEqualTo("WELCOME");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void namesInTheEventAreEscapedInTheHtmlMail() throws Exception {
        UserCreated mallory = created("<script>alert(1)</script>");
        PUBLISHER.publish(mallory);

        MimeMessage welcome = awaitMail(mallory.email());

        assertThat(text(welcome, "text/html")).doesNotContain("<script>").contains("&lt;script&gt;");
    }

    @Test
    void aRedeliveredEventSendsNoSecondMailAndAnEmailChangeIsConfirmedToTheNewAddress() throws Exception {
        UserCreated grace = created("Grace Hopper");
        PUBLISHER.publish(grace);
        PUBLISHER.publish(grace);
        String newAddress = "grace-" + UUID.randomUUID() + "@navy.example";
        PUBLISHER.publish(new UserUpdated(
                UUID.randomUUID(),
                grace.userId(),
                grace.userId(),
                Instant.now(),
                Set.of(UserUpdated.EMAIL),
                newAddress,
                grace.name(),
                grace.email(),
                null));

        // Same user, same partition: once the confirmation is out, both copies of the sign-up have been handled.
        MimeMessage confirmation = awaitMail(newAddress);
        assertThat(confirmation.getSubject()).isEqualTo("Your Meridian sign-in email has changed");
        assertThat(text(confirmation, "text/plain")).contains(newAddress + " instead of " + grace.email());
        assertThat(subjects(grace.email())).as("welcome mails").containsOnlyOnce("Welcome to Meridian");
    }

    @Test
    void anEmailChangeIsToldToThePreviousAddressAndConfirmedToTheNewOneEachExactlyOnceOnRedelivery() throws Exception {
        UserCreated ada = created("Ada Lovelace");
        String newAddress = "ada-" + UUID.randomUUID() + "@lovelace.example";
        String actorTokenId = "jti-" + UUID.randomUUID();
        var change = new UserUpdated(
                UUID.randomUUID(),
                ada.userId(),
                ada.userId(),
                Instant.now(),
                Set.of(UserUpdated.EMAIL),
                newAddress,
                ada.name(),
                ada.email(),
                actorTokenId);
        PUBLISHER.publish(change);
        PUBLISHER.publish(change);
        String marker = publishMarker(ada.userId());

        // Same user, same partition: once the marker's mail is out, both copies of the change have been handled.
        awaitMail(marker);
        assertThat(subjects(ada.email())).containsExactly("Your Meridian sign-in email was changed");
        assertThat(subjects(newAddress)).containsExactly("Your Meridian sign-in email has changed");
        MimeMessage notice = SMTP.messagesTo(ada.email()).getFirst();
        assertThat(notice.getMessageID()).isEqualTo("<" + change.eventId() + ".email-changed-notice@meridian.local>");
        for (String body : List.of(text(notice, "text/plain"), text(notice, "text/html"))) {
            assertThat(body)
                    .contains(ada.email(), newAddress, "wasn't you")
                    .doesNotContain("http", actorTokenId, change.eventId().toString());
        }
        assertThat(awaitDelivery(change.eventId(), "EMAIL_CHANGED_NOTICE", "SENT")
                        .get("recipient")
                        .asString())
                .isEqualTo(ada.email());
    }

    @Test
    void aPasswordChangeIsToldToTheAccountsAddressExactlyOnceOnRedeliveryWithNoSecretInIt() throws Exception {
        UserCreated alan = created("Alan Turing");
        String actorTokenId = "jti-" + UUID.randomUUID();
        var change = new UserUpdated(
                UUID.randomUUID(),
                alan.userId(),
                alan.userId(),
                Instant.now(),
                Set.of(UserUpdated.PASSWORD),
                alan.email(),
                alan.name(),
                null,
                actorTokenId);
        PUBLISHER.publish(change);
        PUBLISHER.publish(change);
        awaitMail(publishMarker(alan.userId()));

        assertThat(subjects(alan.email())).containsExactly("Your Meridian password was changed");
        MimeMessage notice = SMTP.messagesTo(alan.email()).getFirst();
        for (String body : List.of(text(notice, "text/plain"), text(notice, "text/html"))) {
            assertThat(body)
                    .contains(alan.email(), "wasn't you")
                    .doesNotContain("http", actorTokenId, change.eventId().toString());
        }
    }

    @Test
    void whenEmailAndPasswordChangeTogetherThePreviousAddressIsToldOfBoth() {
        UserCreated grace = created("Grace Hopper");
        String newAddress = "grace-" + UUID.randomUUID() + "@navy.example";
        PUBLISHER.publish(new UserUpdated(
                UUID.randomUUID(),
                grace.userId(),
                grace.userId(),
                Instant.now(),
                Set.of(UserUpdated.EMAIL, UserUpdated.PASSWORD),
                newAddress,
                grace.name(),
                grace.email(),
                null));
        awaitMail(publishMarker(grace.userId()));

        assertThat(subjects(grace.email()))
                .containsExactlyInAnyOrder(
                        "Your Meridian sign-in email was changed", "Your Meridian password was changed");
        assertThat(subjects(newAddress)).containsExactly("Your Meridian sign-in email has changed");
    }

    @Test
    void aTokenRevokedTheWayAuthServiceDoesIsRefusedWithin1sWhenSentStraightToTheService() {
        JWTClaimsSet claims = ISSUER.claims(UUID.randomUUID().toString(), "notification-service")
                .claim("roles", List.of("ADMIN"))
                .build();
        String token = ISSUER.sign(claims);
        assertThat(get("/api/notifications/deliveries", token).statusCode()).isEqualTo(200);

        Instant until = Instant.now().plusSeconds(900);
        redis.opsForZSet().add(RevokedAccessTokens.KEY, claims.getJWTID(), until.toEpochMilli());
        redis.convertAndSend(
                RevokedAccessTokens.CHANNEL, new RevokedAccessTokens.Listed(claims.getJWTID(), until).text());

        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> get("/api/notifications/deliveries", token).statusCode() == 401);
        assertThat(get("/api/notifications/deliveries", token).headers().firstValue("Content-Type"))
                .hasValue("application/problem+json");
    }

    @Test
    void anIdTokenOrAnUntypedJwtIsNotTakenAsAnAccessToken() {
        JWTClaimsSet admin = ISSUER.claims(UUID.randomUUID().toString(), "notification-service")
                .claim("roles", List.of("ADMIN"))
                .build();

        assertThat(get("/api/notifications/deliveries", ISSUER.signAsType(admin, "JWT"))
                        .statusCode())
                .isEqualTo(401);
        assertThat(get("/api/notifications/deliveries", ISSUER.signAsType(admin, null))
                        .statusCode())
                .isEqualTo(401);
        assertThat(get("/api/notifications/deliveries", ISSUER.sign(admin)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aTimeTheDatabaseCannotHoldAndARequestTheFirewallRejectsAre400ProblemsThatSayNothingOfTheirCause() {
        // A time PostgreSQL cannot hold (its timestamps end in 294276 AD): the client's value, a 400 not a 500.
        var outOfRange = get("/api/notifications/deliveries?before=%2B300000-01-01T00:00:00Z", token("ADMIN"));
        var rejected = get("/api/notifications/deliveries;jsessionid=x", token("ADMIN"));

        for (var response : List.of(outOfRange, rejected)) {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.body())
                    .contains("\"status\":400", "\"traceId\":")
                    .doesNotContain("Exception", "java.", "overflow", "out of range", "SQL", "\"trace\"", "jsessionid");
        }
        assertThat(outOfRange.body()).contains("between the years 1 and 9999");
        // The starter's ProblemResponsesTest proves a genuine 500 is a problem that names no cause.
    }

    /** A sign-up mail to an address of its own, for the same user (so on the same partition, after what came before). */
    private static String publishMarker(UUID userId) {
        String address = "marker-" + UUID.randomUUID() + "@example.com";
        PUBLISHER.publish(
                new UserCreated(UUID.randomUUID(), userId, userId, Instant.now(), address, "Marker", Set.of("USER")));
        return address;
    }

    private static List<String> subjects(String address) {
        return SMTP.messagesTo(address).stream()
                .map(message -> {
                    try {
                        return message.getSubject();
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    @Test
    void aDeletionForgetsTheAddressInTheDeliveriesAndARedeliveredEventStillSendsNoSecondMail() {
        UserCreated hedy = created("Hedy Lamarr");
        PUBLISHER.publish(hedy);
        awaitMail(hedy.email());
        awaitDelivery(hedy.eventId(), "SENT");
        UserDeleted deleted =
                new UserDeleted(UUID.randomUUID(), hedy.userId(), hedy.userId(), Instant.now(), UserDeleted.SELF);

        PUBLISHER.publish(deleted);
        PUBLISHER.publish(deleted);
        await().atMost(PATIENCE)
                .until(() ->
                        delivery(hedy.eventId()).get("recipient").asString().equals("erased"));
        PUBLISHER.publish(hedy);

        JsonNode forgotten = delivery(hedy.eventId());
        assertThat(forgotten.get("status").asString()).isEqualTo("SENT");
        assertThat(forgotten.get("attempts").asInt()).isEqualTo(1);
        assertThat(forgotten.toString()).doesNotContain(hedy.email(), "Hedy");
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(SMTP.messagesTo(hedy.email()))
                        .as("the redelivered sign-up")
                        .hasSize(1));
        assertThat(get("/api/notifications/deliveries?limit=500", token("ADMIN"))
                        .body())
                .doesNotContain(hedy.email());
    }

    @Test
    void eventsThatAskForNoMailSendNone() {
        UserCreated linus = created("Linus");
        PUBLISHER.publish(new UserDeactivated(UUID.randomUUID(), linus.userId(), null, Instant.now()));
        PUBLISHER.publish(new UserUpdated(
                UUID.randomUUID(),
                linus.userId(),
                linus.userId(),
                Instant.now(),
                Set.of(UserUpdated.NAME),
                linus.email(),
                "Linus T.",
                null,
                null));
        PUBLISHER.publish(linus);

        awaitMail(linus.email());
        assertThat(SMTP.messagesTo(linus.email())).hasSize(1);
    }

    @Test
    void whileSmtpIsDownTheMailIsRetriedAndItIsDeliveredOnceSmtpIsBack() {
        UserCreated barbara = created("Barbara Liskov");
        SMTP.stop();
        try {
            PUBLISHER.publish(barbara);
            await().atMost(PATIENCE)
                    .until(
                            () -> delivery(barbara.eventId()),
                            delivery -> delivery != null
                                    && delivery.get("status").asString().equals("FAILED")
                                    && delivery.get("attempts").asInt() >= 3);
        } finally {
            SMTP.start();
        }

        awaitMail(barbara.email());
        JsonNode delivery = awaitDelivery(barbara.eventId(), "SENT");
        assertThat(delivery.get("attempts").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(SMTP.messagesTo(barbara.email())).hasSize(1);
    }

    /**
     * An event id published again for another recipient is no redelivery, and no second mail: an event's mail goes
     * out once. The reuse is counted ({@code notification.mails{outcome=conflicting}}) and warned of.
     */
    @Test
    void anEventIdReusedForAnotherRecipientSendsNoSecondMailAndIsCounted() {
        UserCreated ada = created("Ada Lovelace");
        var otherRecipient = new UserCreated(
                ada.eventId(),
                ada.userId(),
                ada.actorId(),
                ada.occurredAt(),
                "other-" + UUID.randomUUID() + "@example.com",
                ada.name(),
                ada.roles(),
                null);
        double before = conflicting();

        PUBLISHER.publish(ada);
        PUBLISHER.publish(ada);
        PUBLISHER.publish(otherRecipient);
        awaitMail(publishMarker(ada.userId()));

        assertThat(SMTP.messagesTo(ada.email())).hasSize(1);
        assertThat(SMTP.messagesTo(otherRecipient.email())).isEmpty();
        assertThat(conflicting() - before).as("reused ids").isEqualTo(1);
        assertThat(awaitDelivery(ada.eventId(), "SENT").get("recipient").asString())
                .isEqualTo(ada.email());
    }

    private double conflicting() {
        return meters.get("notification.mails")
                .tag("outcome", "conflicting")
                .counter()
                .count();
    }

    /**
     * A mail that failed every attempt ({@code meridian.events.retry.max-attempts}, 50 here) is dead-lettered with
     * the event's headers; replayed once SMTP is back, it is sent — once, however often the replay runs.
     */
    @Test
    void aMailThatFailedEveryAttemptIsDeadLetteredAndSentOnceWhenReplayed() {
        UserCreated rosalind = created("Rosalind Franklin");
        String key = rosalind.userId().toString();
        SMTP.stop();
        try {
            PUBLISHER.publish(rosalind);
            try (var deadLetters = new TopicReader(
                    KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC + ".notification-service.dlt")) {
                assertThat(deadLetters.readKey(key, 1, Duration.ofSeconds(90)))
                        .singleElement()
                        .satisfies(letter -> assertThat(header(letter, "ce_id"))
                                .isEqualTo(rosalind.eventId().toString()));
            }
            JsonNode failed = delivery(rosalind.eventId());
            assertThat(failed.get("status").asString()).isEqualTo("FAILED");
            assertThat(failed.get("attempts").asInt())
                    .as("attempts before the dead letter")
                    .isEqualTo(50);
        } finally {
            SMTP.start();
        }
        assertThat(SMTP.messagesTo(rosalind.email())).isEmpty();
        assertThat(new ApiClient("http://localhost:" + port)
                        .post("/api/notifications/dead-letters/replay", token("USER"), null)
                        .statusCode())
                .isEqualTo(403);

        for (int replay = 1; replay <= 2; replay++) {
            assertThat(new ApiClient("http://localhost:" + port)
                            .post("/api/notifications/dead-letters/replay", token("ADMIN"), null)
                            .statusCode())
                    .isEqualTo(202);
            awaitMail(rosalind.email());
            awaitReplayCaughtUp();
            assertThat(SMTP.messagesTo(rosalind.email()))
                    .as("after replay %d", replay)
                    .hasSize(1);
        }
        assertThat(awaitDelivery(rosalind.eventId(), "SENT").get("attempts").asInt())
                .isEqualTo(51);
    }

    /** The replay stops by itself once it has read every dead letter (its entry is in by now: it has started). */
    private void awaitReplayCaughtUp() {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> !deadLetterReplay.isRunning());
    }

    @Test
    void poisonMessagesGoStraightToTheDeadLetterTopicAndTheNextEventIsStillMailed() {
        UserCreated edsger = created("Edsger");
        String key = edsger.userId().toString();
        PUBLISHER.publish(key, "[1, 2", UserEventPublisher.headers(edsger));
        Map<String, String> fromTheFuture = new HashMap<>(UserEventPublisher.headers(edsger));
        fromTheFuture.put("ce_type", UserEvents.type("created", 2));
        PUBLISHER.publish(key, "{}", fromTheFuture);
        PUBLISHER.publish(edsger);

        awaitMail(edsger.email());
        try (var deadLetters = new TopicReader(
                KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC + ".notification-service.dlt")) {
            List<ConsumerRecord<String, String>> letters = deadLetters.readKey(key, 2, PATIENCE);
            assertThat(letters)
                    .extracting(letter -> header(letter, "kafka_dlt-exception-message"))
                    .anySatisfy(cause -> assertThat(cause).contains("not a readable dev.meridian.user.created.v1"))
                    .anySatisfy(cause -> assertThat(cause).contains("Unknown event type dev.meridian.user.created.v2"));
        }
        assertThat(SMTP.messagesTo(edsger.email())).hasSize(1);
    }

    /**
     * A consumer killed part-way through a poll of sign-ups (SIGKILL: no shutdown, no offset committed), some users
     * mailed but their events not committed as read, the rest not yet read: the consumer started in its place reads
     * them all again and mails every user exactly once. The killed consumer is notification-service's jar in a process
     * of its own with a database of its own, in the consumer group of this context's intake (stopped meanwhile),
     * sending through a relay that stalls before the kill
     * (so that no mail is half-sent when it dies: a mail the SMTP server took just before a crash, not yet recorded,
     * would be sent again — at least once is what a crash allows); its successor runs in this JVM.
     */
    @Test
    void aConsumerKilledMidStreamMailsEveryUserExactlyOnce() throws Exception {
        List<UserCreated> users =
                IntStream.range(0, 30).mapToObj(i -> created("User " + i)).toList();
        // The killed process and its successor take this context's place in the service's consumer group.
        String group = "notification-service";
        var intake = listeners.getListenerContainer("notification-intake");
        intake.stop();
        try {
            killMidStreamAndRestart(users, group);
        } finally {
            intake.start();
        }
    }

    private void killMidStreamAndRestart(List<UserCreated> users, String group) throws Exception {
        Map<String, Object> properties = new HashMap<>();
        properties.putAll(POSTGRES.springProperties("notification-killed"));
        properties.putAll(REDIS.springProperties("notification-killed"));
        properties.putAll(KAFKA.springProperties("notification-killed"));
        // The killed member leaves the group after this (the broker's minimum), not after the default 45 s.
        properties.put("spring.kafka.consumer.properties.session.timeout.ms", 6000);
        properties.put("spring.datasource.hikari.maximum-pool-size", 2);
        // One sender: when the sixth mail hangs, the five before it are sent and recorded (with three, another
        // listener's fifth could be accepted by SMTP and not yet recorded at the kill).
        properties.put("spring.kafka.listener.concurrency", 1);
        properties.put("eureka.client.enabled", false);
        properties.put("meridian.security.jwt.issuer", ISSUER.issuer());
        properties.put("meridian.security.jwt.jwk-set-uri", ISSUER.jwkSetUri());
        properties.put("spring.mail.host", "127.0.0.1");
        // The group starts where the topic ends now, so that its first poll holds these users' sign-ups.
        Map<TopicPartition, Long> start =
                await().atMost(PATIENCE).ignoreExceptions().until(() -> startAtTheEnd(group), ends -> true);
        PUBLISHER.publishAll(users);
        Map<String, ConsumerRecord<String, String>> records = new HashMap<>();
        try (var topic = new TopicReader(KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC)) {
            topic
                    .readUntil(
                            all -> all.stream()
                                            .filter(record -> record.offset() >= start.get(partition(record)))
                                            .count()
                                    >= users.size(),
                            PATIENCE)
                    .stream()
                    .filter(record -> users.stream()
                            .anyMatch(user -> user.userId().toString().equals(record.key())))
                    .forEach(record -> records.put(record.key(), record));
        }
        assertThat(records).hasSize(users.size());

        int port = ServiceProcess.freePort();
        properties.put("server.port", port);
        List<UserCreated> mailed;
        try (var relay = new SmtpProxy(SMTP.host(), SMTP.port())) {
            properties.put("spring.mail.port", relay.port());
            // Five mails go through, the sixth hangs at its start.
            relay.stallAfter(5);
            ServiceProcess killed = ServiceProcess.start(
                    Path.of(System.getProperty("meridian.root", "..")),
                    "notification-service",
                    ServiceProcess.SMALL_JVM,
                    properties,
                    Path.of("target", "notification-killed-mid-stream"));
            try {
                // Waiting for the relay's answer (for at most its 5 s SMTP timeout): every mail before is recorded.
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> !killed.isAlive() || relay.held() > 0);
                assertThat(killed.isAlive())
                        .as("running until killed: %s", killed.logTail(60))
                        .isTrue();
            } finally {
                ProcessHandle.of(killed.pid()).ifPresent(ProcessHandle::destroyForcibly);
                killed.close();
            }
            mailed = mailed(users);
        }
        assertThat(mailed).as("mailed when killed; the rest still to do").hasSize(5);
        Map<TopicPartition, Long> committed = committedOffsets(group);
        assertThat(mailed)
                .as("mailed users whose sign-ups were not committed as read")
                .anySatisfy(user -> {
                    var record = records.get(user.userId().toString());
                    assertThat(record.offset()).isGreaterThanOrEqualTo(committed.get(partition(record)));
                });

        properties.put("server.port", 0);
        properties.put("spring.mail.port", SMTP.port());
        String[] arguments = properties.entrySet().stream()
                .map(property -> "--" + property.getKey() + "=" + property.getValue())
                .toArray(String[]::new);
        try (var successor = new SpringApplicationBuilder(NotificationApplication.class).run(arguments)) {
            await().atMost(PATIENCE).until(() -> mailed(users).size() == users.size());
            // Every sign-up the successor reads is handled by when its group has committed past it.
            await().atMost(PATIENCE).until(() -> {
                Map<TopicPartition, Long> read = committedOffsets(group);
                return records.values().stream().allMatch(record -> read.get(partition(record)) > record.offset());
            });
        }
        assertThat(users)
                .allSatisfy(user -> assertThat(SMTP.messagesTo(user.email()))
                        .as(user.email())
                        .hasSize(1));
    }

    private static List<UserCreated> mailed(List<UserCreated> users) {
        return users.stream()
                .filter(user -> !SMTP.messagesTo(user.email()).isEmpty())
                .toList();
    }

    private static TopicPartition partition(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    /** Commits, for a consumer group of no member yet, the offsets at which the topic's partitions end now. */
    private static Map<TopicPartition, Long> startAtTheEnd(String group) throws Exception {
        try (Admin admin =
                Admin.create(Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()))) {
            var partitions = admin
                    .describeTopics(List.of(UserEvents.TOPIC))
                    .allTopicNames()
                    .get()
                    .get(UserEvents.TOPIC)
                    .partitions()
                    .stream()
                    .map(partition -> new TopicPartition(UserEvents.TOPIC, partition.partition()))
                    .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = admin.listOffsets(partitions).all().get().entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, end -> end.getValue().offset()));
            admin.alterConsumerGroupOffsets(
                            group,
                            ends.entrySet().stream()
                                    .collect(Collectors.toMap(
                                            Map.Entry::getKey, end -> new OffsetAndMetadata(end.getValue()))))
                    .all()
                    .get();
            return ends;
        }
    }

    private static Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
        try (Admin admin =
                Admin.create(Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, committed -> committed.getValue().offset()));
        }
    }

    @Test
    void deliveriesAreListedForAdministratorsOnly() {
        UserCreated alan = created("Alan Turing");
        PUBLISHER.publish(alan);
        awaitDelivery(alan.eventId(), "SENT");

        assertThat(get("/api/notifications/deliveries", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/notifications/deliveries", token("USER")).statusCode())
                .isEqualTo(403);
        HttpResponse<String> sent = get("/api/notifications/deliveries?status=SENT&limit=500", token("ADMIN"));
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(sent.body()).valueStream())
                .anySatisfy(delivery ->
                        assertThat(delivery.get("recipient").asString()).isEqualTo(alan.email()));

        Map<String, Integer> expected = new LinkedHashMap<>();
        for (String bad : List.of(
                "?status=LOST",
                "?limit=0",
                "?before=yesterday",
                "?before=%2B300000-01-01T00:00:00Z",
                "?before=%2B1000000000-01-01T00:00:00Z",
                "/not-a-uuid")) {
            expected.put(bad, 400);
        }
        expected.put("/" + UUID.randomUUID(), 404);
        for (var entry : expected.entrySet()) {
            String bad = entry.getKey();
            HttpResponse<String> response = get("/api/notifications/deliveries" + bad, token("ADMIN"));
            assertThat(response.statusCode()).as(bad).isEqualTo(entry.getValue());
            assertThat(response.headers().firstValue("Content-Type")).as(bad).hasValue("application/problem+json");
        }
    }

    @Test
    void aUserReadsTheirOwnMailsPageByPageAndNobodyElses() {
        UserCreated ada = created("Ada Lovelace");
        // A second event about Ada (a replayed sign-up of the same account): a second mail of hers.
        UserCreated again = new UserCreated(
                UUID.randomUUID(), ada.userId(), ada.userId(), Instant.now(), ada.email(), ada.name(), Set.of("USER"));
        UserCreated bob = created("Bob");
        PUBLISHER.publish(ada);
        PUBLISHER.publish(again);
        PUBLISHER.publish(bob);
        awaitDelivery(ada.eventId(), "SENT");
        awaitDelivery(again.eventId(), "SENT");
        awaitDelivery(bob.eventId(), "SENT");
        String adasToken = ISSUER.sign(ISSUER.claims(ada.userId().toString(), "notification-service")
                .claim("roles", List.of("USER"))
                .build());

        HttpResponse<String> first = get("/api/notifications/me/deliveries?limit=1", adasToken);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode firstPage = JSON.readTree(first.body());
        String next = firstPage.get("next").asString();
        JsonNode secondPage = JSON.readTree(get(
                        "/api/notifications/me/deliveries?limit=1&after="
                                + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8),
                        adasToken)
                .body());
        JsonNode all =
                JSON.readTree(get("/api/notifications/me/deliveries", adasToken).body());

        assertThat(firstPage.get("deliveries").get(0).get("eventId").asString())
                .isEqualTo(ada.eventId().toString());
        assertThat(secondPage.get("deliveries").get(0).get("eventId").asString())
                .isEqualTo(again.eventId().toString());
        assertThat(all.get("deliveries").valueStream().map(d -> d.get("userId").asString()))
                .containsExactly(ada.userId().toString(), ada.userId().toString());
        assertThat(all.get("next").isNull()).isTrue();
        assertThat(all.toString()).doesNotContain(bob.userId().toString(), bob.email());
        assertThat(get("/api/notifications/me/deliveries?after=garbage", adasToken)
                        .statusCode())
                .isEqualTo(400);
        assertThat(get("/api/notifications/me/deliveries", null).statusCode()).isEqualTo(401);
        String service = ISSUER.sign(ISSUER.claims("partner", "notification-service")
                .claim("scope", "mail.read")
                .build());
        assertThat(get("/api/notifications/me/deliveries", service).statusCode())
                .isEqualTo(403);
        // Everyone's mails stay the administrators'.
        assertThat(get("/api/notifications/deliveries", adasToken).statusCode()).isEqualTo(403);
    }

    @Test
    void secondFactorChangesAreToldToTheAccountsAddressOnceEachWithTheNameEscapedAndNoLinkOrCode() throws Exception {
        UserCreated ada = created("<b>Ada</b> & Co");
        PUBLISHER.publish(ada);
        var enrolled = new SecondFactorEnrolled(
                UUID.randomUUID(), ada.userId(), ada.userId(), Instant.now(), SecondFactorEnrolled.TOTP, 10);
        var regenerated =
                new RecoveryCodesRegenerated(UUID.randomUUID(), ada.userId(), ada.userId(), Instant.now(), 10);
        var removed = new SecondFactorRemoved(UUID.randomUUID(), ada.userId(), ada.userId(), Instant.now(), "passkey");
        PUBLISHER.publishAll(List.of(enrolled, enrolled, regenerated, removed, regenerated, removed));
        awaitMail(publishMarker(ada.userId()));

        assertThat(subjects(ada.email()))
                .containsExactlyInAnyOrder(
                        "Welcome to Meridian",
                        "A second factor was added to your Meridian account",
                        "New recovery codes were made for your Meridian account",
                        "A second factor was removed from your Meridian account");
        Map<String, MimeMessage> bySubject = SMTP.messagesTo(ada.email()).stream()
                .collect(Collectors.toMap(
                        message -> {
                            try {
                                return message.getSubject();
                            } catch (jakarta.mail.MessagingException e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        message -> message));
        MimeMessage added = bySubject.get("A second factor was added to your Meridian account");
        assertThat(added.getMessageID()).isEqualTo("<" + enrolled.eventId() + ".second-factor-added@meridian.local>");
        assertThat(text(added, "text/plain")).contains("Hello <b>Ada</b> & Co,", "an authenticator app", ada.email());
        assertThat(text(added, "text/html"))
                .contains("&lt;b&gt;Ada&lt;/b&gt; &amp; Co", "an authenticator app")
                .doesNotContain("<b>Ada</b>");
        assertThat(text(bySubject.get("A second factor was removed from your Meridian account"), "text/plain"))
                .as("a kind of factor this build names")
                .contains("a passkey");
        for (MimeMessage notice : bySubject.values()) {
            for (String body : List.of(text(notice, "text/plain"), text(notice, "text/html"))) {
                assertThat(body)
                        .doesNotContain(
                                "http://",
                                "https://",
                                enrolled.eventId().toString(),
                                regenerated.eventId().toString(),
                                removed.eventId().toString());
            }
        }
        for (var event : List.of(enrolled, regenerated, removed)) {
            JsonNode delivery = awaitDelivery(event.eventId(), "SENT");
            assertThat(delivery.get("attempts").asInt())
                    .as("one attempt, redelivered or not")
                    .isEqualTo(1);
            assertThat(delivery.get("recipient").asString()).isEqualTo(ada.email());
        }
    }

    @Test
    void aSecondFactorNoticeGoesToTheAddressAsOfTheLatestAccountEventAndOnlyOnceVerified() throws Exception {
        UUID userId = UUID.randomUUID();
        String unverified = "unverified-" + userId + "@example.com";
        PUBLISHER.publish(new UserCreated(
                UUID.randomUUID(), userId, userId, Instant.now(), unverified, "Grace", Set.of("USER"), false));
        var early = new SecondFactorEnrolled(
                UUID.randomUUID(), userId, userId, Instant.now(), SecondFactorEnrolled.TOTP, 10);
        PUBLISHER.publish(early);
        String changed = "grace-" + userId + "@navy.example";
        PUBLISHER.publish(new UserUpdated(
                UUID.randomUUID(),
                userId,
                userId,
                Instant.now(),
                Set.of(UserUpdated.EMAIL),
                changed,
                "Grace",
                null,
                null));
        var later = new RecoveryCodesRegenerated(UUID.randomUUID(), userId, userId, Instant.now(), 10);
        PUBLISHER.publish(later);

        awaitMail(changed);
        await().atMost(PATIENCE)
                .until(() -> subjects(changed).contains("New recovery codes were made for your Meridian account"));
        assertThat(awaitDelivery(early.eventId(), "SKIPPED").get("lastError").asString())
                .as("no mail to an address not yet proven")
                .contains("no verified address");
        assertThat(SMTP.messagesTo(unverified)).isEmpty();
        assertThat(awaitDelivery(later.eventId(), "SENT").get("recipient").asString())
                .isEqualTo(changed);
    }

    @Test
    void aDeletedUsersAddressIsNotBroughtBackByAnEarlierEventDeliveredAgain() {
        UserCreated hedy = created("Hedy Lamarr");
        PUBLISHER.publish(hedy);
        awaitMail(hedy.email());
        PUBLISHER.publish(
                new UserDeleted(UUID.randomUUID(), hedy.userId(), hedy.userId(), Instant.now(), UserDeleted.SELF));
        PUBLISHER.publish(hedy);
        var enrolled = new SecondFactorEnrolled(
                UUID.randomUUID(), hedy.userId(), hedy.userId(), Instant.now(), SecondFactorEnrolled.TOTP, 10);
        PUBLISHER.publish(enrolled);

        JsonNode skipped = awaitDelivery(enrolled.eventId(), "SKIPPED");
        assertThat(skipped.toString()).doesNotContain(hedy.email(), "Hedy");
        assertThat(SMTP.messagesTo(hedy.email())).as("the welcome only").hasSize(1);
    }

    private static UserCreated created(String name) {
        UUID userId = UUID.randomUUID();
        return new UserCreated(
                UUID.randomUUID(),
                userId,
                userId,
                Instant.now(),
                "user-" + userId + "@example.com",
                name,
                Set.of("USER"));
    }

    /** The first part of this content type, wherever the multipart structure puts it. */
    private static String text(Part part, String contentType) throws Exception {
        if (part.isMimeType(contentType)) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                String text = text(multipart.getBodyPart(i), contentType);
                if (text != null) {
                    return text;
                }
            }
        }
        return null;
    }

    private static MimeMessage awaitMail(String address) {
        return await().atMost(PATIENCE)
                .until(() -> SMTP.messagesTo(address), messages -> !messages.isEmpty())
                .getFirst();
    }

    private JsonNode awaitDelivery(UUID eventId, String status) {
        return awaitDelivery(eventId, null, status);
    }

    private JsonNode awaitDelivery(UUID eventId, String kind, String status) {
        return await().atMost(PATIENCE)
                .until(
                        () -> delivery(eventId, kind),
                        delivery -> delivery != null
                                && delivery.get("status").asString().equals(status));
    }

    private JsonNode delivery(UUID eventId) {
        return delivery(eventId, null);
    }

    private JsonNode delivery(UUID eventId, String kind) {
        HttpResponse<String> response =
                get("/api/notifications/deliveries/" + eventId + (kind == null ? "" : "?kind=" + kind), token("ADMIN"));
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }

    private static String token(String role) {
        return ISSUER.sign(ISSUER.claims(UUID.randomUUID().toString(), "notification-service")
                .claim("roles", List.of(role))
                .build());
    }

    private HttpResponse<String> get(String path, String token) {
        return new ApiClient("http://localhost:" + port).get(path, token);
    }
}
