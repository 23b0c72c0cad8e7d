package dev.meridian.audit;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static dev.meridian.testkit.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.RefreshTokenReused;
import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserEvents;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import dev.meridian.testkit.TopicReader;
import dev.meridian.testkit.UserEventPublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "meridian.events.retry.max-attempts=3",
            "meridian.events.retry.initial-interval=100ms"
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class AuditLogIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final UserEventPublisher PUBLISHER =
            new UserEventPublisher(KafkaBroker.shared().bootstrapServers());

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient database;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    /** The event-intake starter's replay: a container of its own, not one of the registry's listeners. */
    @Autowired
    @Qualifier("deadLetterReplayContainer")
    MessageListenerContainer deadLetterReplay;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void tokens(DynamicPropertyRegistry registry) {
        AuditApi.trustIssuer(registry);
    }

    @AfterAll
    static void closePublisher() {
        PUBLISHER.close();
    }

    @Test
    void eachUsersEventsEndInTheirStreamInOrderWithVersionsOneToN() {
        var ada = Events.aboutANewUser();
        UUID admin = UUID.randomUUID();
        List<UserEvent> published =
                List.of(ada.created(), ada.renamed("Ada L."), ada.deactivatedBy(admin), ada.activatedBy(admin));
        published.forEach(PUBLISHER::publish);

        List<JsonNode> stream = awaitStream(ada.userId(), 4);

        assertThat(stream).extracting(entry -> entry.get("version").asLong()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(stream)
                .extracting(entry -> entry.get("eventId").asString())
                .containsExactlyElementsOf(published.stream()
                        .map(event -> event.eventId().toString())
                        .toList());
        JsonNode deactivation = stream.get(2);
        assertThat(deactivation.get("type").asString()).isEqualTo("dev.meridian.user.deactivated.v1");
        assertThat(deactivation.get("source").asString()).isEqualTo(UserEvents.SOURCE);
        assertThat(deactivation.get("actorId").asString()).isEqualTo(admin.toString());
        assertThat(stream.get(1).get("data").get("name").asString()).isEqualTo("Ada L.");
    }

    @Test
    void securityEventsFromAuthServiceJoinTheUsersStream() {
        var alice = Events.aboutANewUser();
        PUBLISHER.publish(alice.created());
        RefreshTokenReused reuse = alice.refreshTokenReused();
        PUBLISHER.publish(alice.userId().toString(), json(reuse), CloudEventHeaders.of(reuse, UserEvents.AUTH_SOURCE));

        List<JsonNode> stream = awaitStream(alice.userId(), 2);

        JsonNode reported = stream.get(1);
        assertThat(reported.get("type").asString()).isEqualTo("dev.meridian.user.refresh-token-reused.v1");
        assertThat(reported.get("source").asString()).isEqualTo(UserEvents.AUTH_SOURCE);
        assertThat(reported.get("data").get("clientId").asString()).isEqualTo("web");
    }

    @Test
    void recordsTheTraceTheEventTravelledIn() {
        var grace = Events.aboutANewUser();
        UserCreated created = grace.created();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Map<String, String> headers = new HashMap<>(UserEventPublisher.headers(created));
        headers.put("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
        PUBLISHER.publish(grace.userId().toString(), json(created), headers);

        assertThat(awaitStream(grace.userId(), 1).getFirst().get("traceId").asString())
                .isEqualTo(traceId);
    }

    @Test
    void aRedeliveredEventIsIgnored() {
        var linus = Events.aboutANewUser();
        UserCreated created = linus.created();
        PUBLISHER.publish(created);
        PUBLISHER.publish(created);
        PUBLISHER.publish(linus.renamed("Linus T."));

        List<JsonNode> stream = awaitStream(linus.userId(), 2);

        assertThat(stream).extracting(entry -> entry.get("version").asLong()).containsExactly(1L, 2L);
        assertThat(stream.get(1).get("type").asString()).isEqualTo("dev.meridian.user.updated.v1");
    }

    /**
     * An event id published again with other content is no redelivery: the append-only log keeps the entry it
     * recorded first, and the reuse is counted apart from redeliveries ({@code audit.events{outcome=conflicting}}).
     */
    @Test
    void anEventIdReusedForOtherContentKeepsTheFirstEntryAndIsCountedApartFromRedeliveries() {
        var ada = Events.aboutANewUser();
        UserCreated created = ada.created();
        var otherContent = new UserCreated(
                created.eventId(),
                created.userId(),
                created.actorId(),
                created.occurredAt(),
                "someone-else@example.com",
                "Someone Else",
                java.util.Set.of("ADMIN"),
                null);
        double duplicatesBefore = outcomes("duplicate");
        double conflictingBefore = outcomes("conflicting");

        PUBLISHER.publish(created);
        PUBLISHER.publish(created);
        PUBLISHER.publish(otherContent);
        PUBLISHER.publish(ada.renamed("Ada L."));

        List<JsonNode> stream = awaitStream(ada.userId(), 2);
        assertThat(stream).hasSize(2);
        assertThat(stream.getFirst().get("eventId").asString())
                .isEqualTo(created.eventId().toString());
        assertThat(stream.getFirst().get("data").get("email").asString()).isEqualTo("ada@example.com");
        assertThat(stream.getFirst().get("data").get("roles").valueStream().map(JsonNode::asString))
                .containsExactly("USER");
        assertThat(outcomes("duplicate") - duplicatesBefore).as("redeliveries").isEqualTo(1);
        assertThat(outcomes("conflicting") - conflictingBefore).as("reused ids").isEqualTo(1);
    }

    private double outcomes(String outcome) {
        return meters.get("audit.events").tag("outcome", outcome).counter().count();
    }

    @Test
    void poisonMessagesGoStraightToTheDeadLetterTopicAndTheNextEventIsStillLogged() {
        var barbara = Events.aboutANewUser();
        String key = barbara.userId().toString();
        UserCreated created = barbara.created();
        Map<String, String> unreadable = UserEventPublisher.headers(created);
        PUBLISHER.publish(key, "{not json", unreadable);
        Map<String, String> fromTheFuture = new HashMap<>(UserEventPublisher.headers(barbara.renamed("B")));
        fromTheFuture.put("ce_type", UserEvents.type("updated", 2));
        PUBLISHER.publish(key, "{}", fromTheFuture);
        PUBLISHER.publish(created);

        assertThat(awaitStream(barbara.userId(), 1))
                .singleElement()
                .satisfies(entry -> assertThat(entry.get("eventId").asString())
                        .isEqualTo(created.eventId().toString()));
        List<ConsumerRecord<String, String>> deadLetters = awaitDeadLetters(key, 2);
        assertThat(deadLetters)
                .extracting(letter -> header(letter, "kafka_dlt-exception-message"))
                .anySatisfy(cause -> assertThat(cause).contains("not a readable dev.meridian.user.created.v1"))
                .anySatisfy(cause -> assertThat(cause).contains("Unknown event type dev.meridian.user.updated.v2"));
        assertThat(deadLetters).hasSize(2);
        for (var letter : deadLetters) {
            Map<String, String> original =
                    header(letter, "kafka_dlt-exception-message").contains("Unknown event type")
                            ? fromTheFuture
                            : unreadable;
            assertThat(original)
                    .as("the original headers travel with the dead letter")
                    .allSatisfy((name, value) ->
                            assertThat(header(letter, name)).as(name).isEqualTo(value));
        }
        assertThat(deadLetters)
                .extracting(letter -> header(letter, "ce_id"))
                .containsExactlyInAnyOrder(unreadable.get("ce_id"), fromTheFuture.get("ce_id"));
    }

    /**
     * A failure is tried {@code meridian.events.retry.max-attempts} times (3 here), then dead-lettered; replayed
     * once fixed, the event is in the log exactly once, however often the replay runs.
     */
    @Test
    void failuresAreRetriedThenDeadLetteredAndCanBeReplayedOnceFixed() {
        var edsger = Events.aboutANewUser();
        // A real failure in the database for this user only: every append attempt is refused until it is dropped,
        // and counted by a sequence (which no rollback takes back).
        database.sql("""
                        create sequence edsger_attempts;
                        create function refuse_edsger() returns trigger language plpgsql as $$
                        begin perform nextval('edsger_attempts'); raise exception 'database says no'; end $$;
                        create trigger refuse_edsger before insert on audit_event for each row
                            when (new.user_id = '%s') execute function refuse_edsger();
                        """.formatted(edsger.userId())).update();
        UserCreated created = edsger.created();
        PUBLISHER.publish(created);

        ConsumerRecord<String, String> letter =
                awaitDeadLetters(edsger.userId().toString(), 1).getFirst();
        assertThat(header(letter, "kafka_dlt-exception-message")).contains("database says no");
        assertThat(header(letter, "ce_id")).isEqualTo(created.eventId().toString());
        assertThat(database.sql("select last_value from edsger_attempts")
                        .query(Long.class)
                        .single())
                .as("append attempts before the dead letter")
                .isEqualTo(3);
        assertThat(api().stream(edsger.userId())).isEmpty();

        database.sql("drop trigger refuse_edsger on audit_event").update();
        for (int replay = 1; replay <= 2; replay++) {
            assertThat(api().post("/api/audit/dead-letters/replay", AuditApi.token("ADMIN"))
                            .statusCode())
                    .isEqualTo(202);
            awaitStream(edsger.userId(), 1);
            awaitReplayCaughtUp();
            assertThat(api().stream(edsger.userId()))
                    .as("after replay %d", replay)
                    .singleElement()
                    .satisfies(entry -> {
                        assertThat(entry.get("eventId").asString())
                                .isEqualTo(created.eventId().toString());
                        assertThat(entry.get("version").asLong()).isEqualTo(1);
                    });
        }
        assertThat(database.sql("select last_value from edsger_attempts")
                        .query(Long.class)
                        .single())
                .as("the replays met no trigger")
                .isEqualTo(3);
    }

    /** The replay stops by itself once it has read every dead letter (its entry is in by now: it has started). */
    private void awaitReplayCaughtUp() {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> !deadLetterReplay.isRunning());
    }

    /**
     * A consumer killed part-way through a user's events (SIGKILL: no shutdown, no offset committed), some of them
     * appended but not committed as read, the rest not yet read: the consumer started in its place reads the appended
     * ones again and adds none of them twice, and every later one once. The killed consumer is audit-service's jar
     * in a process of its own with a database of its own, in the consumer group of this context's intake (stopped
     * meanwhile); its successor runs in this JVM.
     */
    @Test
    void aConsumerKilledMidStreamLosesAndDoublesNothing() throws Exception {
        var margaret = Events.aboutANewUser();
        List<UserEvent> published = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            published.add(i == 0 ? margaret.created() : margaret.renamed("Margaret " + i));
        }
        // The killed process and its successor take this context's place in the service's consumer group.
        String group = "audit-service";
        var intake = listeners.getListenerContainer("audit-intake");
        intake.stop();
        try {
            killMidStreamAndRestart(margaret, published, group);
        } finally {
            intake.start();
        }
    }

    private void killMidStreamAndRestart(Events margaret, List<UserEvent> published, String group) throws Exception {
        Map<String, Object> properties = new HashMap<>();
        properties.putAll(POSTGRES.springProperties("audit-killed"));
        properties.putAll(REDIS.springProperties("audit-killed"));
        properties.putAll(KAFKA.springProperties("audit-killed"));
        // The killed member leaves the group after this (the broker's minimum), not after the default 45 s.
        properties.put("spring.kafka.consumer.properties.session.timeout.ms", 6000);
        properties.put("spring.datasource.hikari.maximum-pool-size", 2);
        properties.put("eureka.client.enabled", false);
        // The jar runs without the test resources: the tests' master key (config/application.yml) given here.
        properties.put("meridian.audit.data-keys.master-key", "q3v9Xc1TgH7wLm0Ae5Rk2Zp8Ns4Yb6Jd1Fu3Oi9Ww0E=");
        properties.put("meridian.security.jwt.issuer", AuditApi.ISSUER.issuer());
        properties.put("meridian.security.jwt.jwk-set-uri", AuditApi.ISSUER.jwkSetUri());
        String url = (String) properties.get("spring.datasource.url");
        var itsDatabase =
                new DriverManagerDataSource(url, (String) properties.get("spring.datasource.username"), (String)
                        properties.get("spring.datasource.password"));
        JdbcClient itsLog = JdbcClient.create(itsDatabase);
        // Its schema, and 50 ms in the database for each of margaret's appends: the kill lands among them.
        Flyway.configure().dataSource(itsDatabase).load().migrate();
        itsLog.sql("""
                        create function slow_margaret() returns trigger language plpgsql as $$
                        begin perform pg_sleep(0.05); return new; end $$;
                        create trigger slow_margaret before insert on audit_event for each row
                            when (new.user_id = '%s') execute function slow_margaret();
                        """.formatted(margaret.userId())).update();
        // The group starts where the topic ends now, so its first poll holds all of margaret's events and no other.
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> startAtTheEnd(group));
        PUBLISHER.publishAll(published);
        List<ConsumerRecord<String, String>> records;
        try (var topic = new TopicReader(KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC)) {
            records = topic.readKey(margaret.userId().toString(), 40, PATIENCE);
        }
        assertThat(records).hasSize(40);

        int port = ServiceProcess.freePort();
        properties.put("server.port", port);
        ServiceProcess killed = ServiceProcess.start(
                Path.of(System.getProperty("meridian.root", "..")),
                "audit-service",
                ServiceProcess.SMALL_JVM,
                properties,
                Path.of("target", "audit-killed-mid-stream"));
        try {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !killed.isAlive() || entries(itsLog, margaret.userId()) >= 5);
            assertThat(killed.isAlive())
                    .as("running until killed: %s", killed.logTail(60))
                    .isTrue();
        } finally {
            ProcessHandle.of(killed.pid()).ifPresent(ProcessHandle::destroyForcibly);
            killed.close();
        }
        // The append under way when the process died still completes in the database.
        await().atMost(PATIENCE)
                .until(() -> itsLog.sql("select count(*) from pg_stat_activity where datname = current_database()"
                                        + " and state = 'active' and pid <> pg_backend_pid()")
                                .query(Long.class)
                                .single()
                        == 0);
        long appended = entries(itsLog, margaret.userId());
        assertThat(appended).as("appended when killed; the rest still unread").isBetween(5L, 39L);
        long committed = committedOffset(group, records.getFirst().partition());
        assertThat(committed)
                .as("the last appended event was not committed as read")
                .isLessThanOrEqualTo(records.get((int) appended - 1).offset());
        long appendedAgain = records.subList(0, (int) appended).stream()
                .filter(record -> record.offset() >= committed)
                .count();

        itsLog.sql("drop trigger slow_margaret on audit_event").update();
        properties.put("server.port", 0);
        String[] arguments = properties.entrySet().stream()
                .map(property -> "--" + property.getKey() + "=" + property.getValue())
                .toArray(String[]::new);
        try (ConfigurableApplicationContext successor =
                new SpringApplicationBuilder(AuditApplication.class).run(arguments)) {
            await().atMost(PATIENCE).until(() -> entries(itsLog, margaret.userId()) >= 40);
            Counter duplicates = successor
                    .getBean(MeterRegistry.class)
                    .get("audit.events")
                    .tag("outcome", "duplicate")
                    .counter();
            await().atMost(PATIENCE).until(() -> duplicates.count() >= appendedAgain);

            assertThat(itsLog.sql("select event_id, version from audit_event where user_id = ? order by version")
                            .param(margaret.userId())
                            .query((row, n) -> Map.entry(row.getObject("event_id", UUID.class), row.getLong("version")))
                            .list())
                    .containsExactlyElementsOf(IntStream.range(0, 40)
                            .mapToObj(i -> Map.entry(published.get(i).eventId(), i + 1L))
                            .toList());
            assertThat(duplicates.count())
                    .as("events appended before the kill and read again")
                    .isEqualTo(appendedAgain);
        }
    }

    private static long entries(JdbcClient log, UUID userId) {
        return log.sql("select count(*) from audit_event where user_id = ?")
                .param(userId)
                .query(Long.class)
                .single();
    }

    /** Commits, for a consumer group of no member yet, the offsets at which the topic's partitions end now. */
    private static void startAtTheEnd(String group) throws Exception {
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
            var ends = admin.listOffsets(partitions).all().get();
            admin.alterConsumerGroupOffsets(
                            group,
                            ends.entrySet().stream()
                                    .collect(Collectors.toMap(
                                            Map.Entry::getKey,
                                            end -> new OffsetAndMetadata(
                                                    end.getValue().offset()))))
                    .all()
                    .get();
        }
    }

    private static long committedOffset(String group, int partition) throws Exception {
        try (Admin admin =
                Admin.create(Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(new TopicPartition(UserEvents.TOPIC, partition))
                    .offset();
        }
    }

    @Test
    void theDatabaseRefusesToChangeOrDeleteEntries() {
        var alan = Events.aboutANewUser();
        PUBLISHER.publish(alan.created());
        awaitStream(alan.userId(), 1);

        for (String change : List.of(
                "update audit_event set data = '{}' where user_id = '%s'",
                "delete from audit_event where user_id = '%s'", "truncate audit_event")) {
            assertThatThrownBy(
                            () -> database.sql(change.formatted(alan.userId())).update())
                    .isInstanceOf(DataAccessException.class)
                    .rootCause()
                    .hasMessageContaining("the audit log is append-only");
        }
        assertThat(api().stream(alan.userId())).hasSize(1);
    }

    @Test
    void theLogIsForAdministratorsOnly() {
        String path = "/api/audit/users/" + UUID.randomUUID() + "/events";

        var anonymous = api().get(path, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Bearer"));
        assertThat(api().get(path, AuditApi.token("USER")).statusCode()).isEqualTo(403);
        assertThat(api().get(path, "not.a.token").statusCode()).isEqualTo(401);
        assertThat(api().get(path, AuditApi.token("ADMIN")).statusCode()).isEqualTo(200);
        assertThat(api().post("/api/audit/dead-letters/replay", AuditApi.token("USER"))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void aUserReadsTheirOwnStreamAndNobodyElsesThroughMe() {
        var ada = Events.aboutANewUser();
        var bob = Events.aboutANewUser();
        PUBLISHER.publish(ada.created());
        PUBLISHER.publish(ada.renamed("Ada L."));
        PUBLISHER.publish(ada.renamed("Ada K."));
        PUBLISHER.publish(bob.created());
        awaitStream(ada.userId(), 3);
        awaitStream(bob.userId(), 1);
        String adasToken = AuditApi.ISSUER.sign(AuditApi.ISSUER
                .claims(ada.userId().toString(), "audit-service")
                .claim("roles", List.of("USER"))
                .build());

        var firstPage = api().get("/api/audit/me/events?limit=2", adasToken);
        var lastPage = api().get("/api/audit/me/events?fromVersion=3&limit=2", adasToken);
        // The user is the token's subject: a parameter naming someone else changes nothing.
        var named = api().get("/api/audit/me/events?userId=" + bob.userId(), adasToken);
        var service = api().get(
                        "/api/audit/me/events",
                        AuditApi.ISSUER.sign(AuditApi.ISSUER
                                .claims("partner", "audit-service")
                                .claim("scope", "audit.read")
                                .build()));

        assertThat(firstPage.statusCode()).as(firstPage.body()).isEqualTo(200);
        JsonNode first = JSON.readTree(firstPage.body());
        assertThat(first.get("events").valueStream().map(e -> e.get("version").asLong()))
                .containsExactly(1L, 2L);
        assertThat(first.get("nextFromVersion").asLong()).isEqualTo(3L);
        JsonNode last = JSON.readTree(lastPage.body());
        assertThat(last.get("events").valueStream().map(e -> e.get("version").asLong()))
                .containsExactly(3L);
        assertThat(last.get("nextFromVersion").isNull()).isTrue();
        assertThat(named.body())
                .contains(ada.userId().toString())
                .doesNotContain(bob.userId().toString());
        assertThat(service.statusCode()).isEqualTo(403);
        assertThat(api().get("/api/audit/me/events", null).statusCode()).isEqualTo(401);
        // The rest of the API stays the administrators'.
        assertThat(api().get("/api/audit/users/" + ada.userId() + "/events", adasToken)
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void aTokenRevokedTheWayAuthServiceDoesIsRefusedWithin1sWhenSentStraightToTheService() {
        JWTClaimsSet claims = AuditApi.ISSUER
                .claims(UUID.randomUUID().toString(), "audit-service")
                .claim("roles", List.of("ADMIN"))
                .build();
        String token = AuditApi.ISSUER.sign(claims);
        String path = "/api/audit/users/" + UUID.randomUUID() + "/events";
        assertThat(api().get(path, token).statusCode()).isEqualTo(200);

        Instant until = Instant.now().plusSeconds(900);
        redis.opsForZSet().add(RevokedAccessTokens.KEY, claims.getJWTID(), until.toEpochMilli());
        redis.convertAndSend(
                RevokedAccessTokens.CHANNEL, new RevokedAccessTokens.Listed(claims.getJWTID(), until).text());

        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> api().get(path, token).statusCode() == 401);
        assertThat(api().get(path, token).headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void anIdTokenOrAnUntypedJwtIsNotTakenAsAnAccessToken() {
        String path = "/api/audit/users/" + UUID.randomUUID() + "/events";
        JWTClaimsSet admin = AuditApi.ISSUER
                .claims(UUID.randomUUID().toString(), "audit-service")
                .claim("roles", List.of("ADMIN"))
                .build();

        assertThat(api().get(path, AuditApi.ISSUER.signAsType(admin, "JWT")).statusCode())
                .isEqualTo(401);
        assertThat(api().get(path, AuditApi.ISSUER.signAsType(admin, null)).statusCode())
                .isEqualTo(401);
        assertThat(api().get(path, AuditApi.ISSUER.sign(admin)).statusCode()).isEqualTo(200);
    }

    @Test
    void aTimeTheDatabaseCannotHoldAndARequestTheFirewallRejectsAre400ProblemsThatSayNothingOfTheirCause() {
        String admin = AuditApi.token("ADMIN");
        // A time PostgreSQL cannot hold (its timestamps end in 294276 AD): the client's value, a 400 not a 500.
        var outOfRange = api().get("/api/audit/events?from=%2B300000-01-01T00:00:00Z", admin);
        var rejected = api().get("/api/audit/events;jsessionid=x", admin);

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

    @Test
    void badQueriesAreProblemsNotErrors() {
        String admin = AuditApi.token("ADMIN");
        for (String path : List.of(
                "/api/audit/users/not-a-uuid/events",
                "/api/audit/users/" + UUID.randomUUID() + "/events?limit=0",
                "/api/audit/users/" + UUID.randomUUID() + "/events?limit=501",
                "/api/audit/users/" + UUID.randomUUID() + "/events?fromVersion=0",
                "/api/audit/events?from=yesterday",
                "/api/audit/events?from=%2B300000-01-01T00:00:00Z",
                "/api/audit/events?to=%2B1000000000-01-01T00:00:00Z",
                "/api/audit/events?from=2026-11-26T10:00:00Z&to=2026-11-26T09:00:00Z")) {
            var response = api().get(path, admin);
            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
        }
    }

    @Test
    void pagesThroughAStreamAndSearchesTheWholeLogByTypeAndTime() {
        var ken = Events.aboutANewUser();
        Instant before = Instant.now().minusSeconds(1);
        PUBLISHER.publish(ken.created());
        PUBLISHER.publish(ken.renamed("Ken T."));
        PUBLISHER.publish(ken.renamed("Ken Thompson"));
        awaitStream(ken.userId(), 3);

        JsonNode first = api().read("/api/audit/users/" + ken.userId() + "/events?limit=2");
        assertThat(first.get("events")).hasSize(2);
        long next = first.get("nextFromVersion").asLong();
        JsonNode second = api().read("/api/audit/users/" + ken.userId() + "/events?limit=2&fromVersion=" + next);
        assertThat(second.get("events"))
                .singleElement()
                .satisfies(entry -> assertThat(entry.get("version").asLong()).isEqualTo(3));
        assertThat(second.get("nextFromVersion").isNull()).isTrue();

        JsonNode updates = api().read("/api/audit/events?limit=500&type=dev.meridian.user.updated.v1&from=" + before
                + "&to=" + Instant.now().plusSeconds(1));
        assertThat(updates.get("events").valueStream())
                .filteredOn(entry ->
                        entry.get("userId").asString().equals(ken.userId().toString()))
                .extracting(entry -> entry.get("version").asLong())
                .containsExactly(2L, 3L);
        JsonNode nothingYet =
                api().read("/api/audit/events?from=" + Instant.now().plusSeconds(60));
        assertThat(nothingYet.get("events")).isEmpty();
    }

    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    private AuditApi api() {
        return new AuditApi("http://localhost:" + port);
    }

    private List<JsonNode> awaitStream(UUID userId, int size) {
        return await().atMost(PATIENCE).until(() -> api().stream(userId), stream -> stream.size() >= size);
    }

    private static List<ConsumerRecord<String, String>> awaitDeadLetters(String key, int count) {
        try (var deadLetters =
                new TopicReader(KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC + ".audit-service.dlt")) {
            List<ConsumerRecord<String, String>> letters = deadLetters.readKey(key, count, PATIENCE);
            assertThat(letters).hasSizeGreaterThanOrEqualTo(count);
            return letters;
        }
    }

    private static String json(UserEvent event) {
        return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(event);
    }
}
