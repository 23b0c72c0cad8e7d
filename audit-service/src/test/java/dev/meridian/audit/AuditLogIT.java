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
import dev.meridian.testkit.TopicReader;
import dev.meridian.testkit.UserEventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
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

    @Autowired
    StringRedisTemplate redis;

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

    @Test
    void poisonMessagesGoStraightToTheDeadLetterTopicAndTheNextEventIsStillLogged() {
        var barbara = Events.aboutANewUser();
        String key = barbara.userId().toString();
        UserCreated created = barbara.created();
        PUBLISHER.publish(key, "{not json", UserEventPublisher.headers(created));
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
        assertThat(deadLetters)
                .extracting(letter -> header(letter, "ce_id"))
                .as("the original headers travel with the dead letter")
                .allSatisfy(id -> assertThat(id).isNotNull());
    }

    @Test
    void failuresAreRetriedThenDeadLetteredAndCanBeReplayedOnceFixed() {
        var edsger = Events.aboutANewUser();
        // A real failure in the database for this user only: every append attempt is refused until it is dropped.
        database.sql("""
                        create function refuse_edsger() returns trigger language plpgsql as $$
                        begin raise exception 'database says no'; end $$;
                        create trigger refuse_edsger before insert on audit_event for each row
                            when (new.user_id = '%s') execute function refuse_edsger();
                        """.formatted(edsger.userId())).update();
        UserCreated created = edsger.created();
        PUBLISHER.publish(created);

        ConsumerRecord<String, String> letter =
                awaitDeadLetters(edsger.userId().toString(), 1).getFirst();
        assertThat(header(letter, "kafka_dlt-exception-message")).contains("database says no");
        assertThat(api().stream(edsger.userId())).isEmpty();

        database.sql("drop trigger refuse_edsger on audit_event").update();
        assertThat(api().post("/api/audit/dead-letters/replay", AuditApi.token("ADMIN"))
                        .statusCode())
                .isEqualTo(202);

        assertThat(awaitStream(edsger.userId(), 1).getFirst().get("eventId").asString())
                .isEqualTo(created.eventId().toString());
    }

    @Test
    void aConsumerStoppedMidStreamLosesAndDoublesNothing() {
        var margaret = Events.aboutANewUser();
        List<UserEvent> published = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            published.add(i == 0 ? margaret.created() : margaret.renamed("Margaret " + i));
        }
        var intake = listeners.getListenerContainer("audit-intake");
        Thread publishing = Thread.ofVirtual().start(() -> published.forEach(PUBLISHER::publish));
        await().atMost(PATIENCE).until(() -> !api().stream(margaret.userId()).isEmpty());
        intake.stop();
        intake.start();
        await().atMost(PATIENCE).until(() -> !publishing.isAlive());

        List<JsonNode> stream = awaitStream(margaret.userId(), 40);

        assertThat(stream)
                .extracting(entry -> entry.get("version").asLong())
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
        assertThat(stream)
                .extracting(entry -> entry.get("eventId").asString())
                .containsExactlyElementsOf(published.stream()
                        .map(event -> event.eventId().toString())
                        .toList());
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
