package dev.meridian.audit;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.events.EmailVerified;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserDeactivated;
import dev.meridian.events.UserDeleted;
import dev.meridian.events.UserEvent;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.UserEventPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Crypto-shredding: a user's personal data is stored sealed with their own data key, readable while the key exists;
 * {@code UserDeleted} destroys the key, after which the stream still shows every version, type and time but no
 * personal data, in the API and in the database alike, while the rows themselves stay as they were (append-only).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"eureka.client.enabled=false"})
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class AuditErasureIT {

    private static final UserEventPublisher PUBLISHER =
            new UserEventPublisher(KafkaBroker.shared().bootstrapServers());
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void tokens(DynamicPropertyRegistry registry) {
        AuditApi.trustIssuer(registry);
    }

    @AfterAll
    static void closePublisher() {
        PUBLISHER.close();
    }

    @Test
    void personalDataIsStoredSealedAndReadsBackWhileTheUserExists() {
        UUID ada = UUID.randomUUID();
        String email = "ada-" + ada + "@example.com";
        PUBLISHER.publish(created(ada, email, "Ada Lovelace"));

        List<JsonNode> stream = awaitEntries(ada, 1);

        assertThat(stream.getFirst().get("data").get("email").asString()).isEqualTo(email);
        assertThat(stream.getFirst().get("summary").asString()).contains(email);
        assertThat(stream.getFirst().get("erased").asBoolean()).isFalse();
        assertThat(stored(ada)).doesNotContain(email, "Ada Lovelace");
        assertThat(jdbc.sql("select count(*) from audit_event where user_id = ? and sealed is not null and data is null"
                                + " and summary is null")
                        .param(ada)
                        .query(Long.class)
                        .single())
                .isOne();
    }

    @Test
    void afterTheDeletionTheStreamShowsVersionsAndTypesButNoPersonalData() {
        UUID ada = UUID.randomUUID();
        String email = "ada-" + ada + "@example.com";
        Instant now = Instant.now();
        List<UserEvent> events = List.of(
                created(ada, email, "Ada Lovelace"),
                new EmailVerified(UUID.randomUUID(), ada, ada, now, email, "Ada Lovelace"),
                new UserDeactivated(UUID.randomUUID(), ada, ada, now),
                new UserDeleted(UUID.randomUUID(), ada, ada, now, UserDeleted.SELF));
        PUBLISHER.publishAll(events);
        awaitEntries(ada, 4);
        String positionsBefore = rawRows(ada);

        List<JsonNode> stream = await().atMost(PATIENCE)
                .until(
                        () -> new AuditApi("http://localhost:" + port).stream(ada),
                        s -> s.getFirst().get("erased").asBoolean());

        assertThat(stream).extracting(e -> e.get("version").asLong()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(stream)
                .extracting(e -> e.get("type").asString())
                .containsExactly(UserCreated.TYPE, EmailVerified.TYPE, UserDeactivated.TYPE, UserDeleted.TYPE);
        assertThat(stream)
                .allSatisfy(e -> assertThat(e.get("occurredAt").asString()).isNotBlank());
        assertThat(stream.subList(0, 3)).allSatisfy(e -> {
            assertThat(e.get("erased").asBoolean()).isTrue();
            assertThat(e.get("summary").asString()).isEqualTo("erased");
            assertThat(e.get("data").asString()).isEqualTo("erased");
        });
        assertThat(stream.getLast().get("summary").asString()).isEqualTo("Account deleted (self), by the user");
        assertThat(stream.toString()).doesNotContain(email, "Ada", "Lovelace");
        assertThat(new AuditApi("http://localhost:" + port)
                        .read("/api/audit/events?type=" + UserCreated.TYPE + "&limit=500")
                        .toString())
                .doesNotContain(email);
        assertThat(jdbc.sql("select wrapped_key is null and erased_at is not null from user_data_key where user_id = ?")
                        .param(ada)
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(rawRows(ada)).as("the entries themselves are untouched").isEqualTo(positionsBefore);
    }

    @Test
    void aRedeliveredDeletionAndALateEventOfAnErasedUserKeepNoPersonalData() {
        UUID ada = UUID.randomUUID();
        String email = "ada-" + ada + "@example.com";
        UserCreated created = created(ada, email, "Ada");
        UserDeleted deleted =
                new UserDeleted(UUID.randomUUID(), ada, UUID.randomUUID(), Instant.now(), UserDeleted.ADMINISTRATOR);
        PUBLISHER.publishAll(List.of(created, deleted));
        awaitEntries(ada, 2);

        // Redelivered, then one more event of the erased user (an event still on its way when the account went).
        PUBLISHER.publishAll(
                List.of(deleted, created, new EmailVerified(UUID.randomUUID(), ada, ada, Instant.now(), email, "Ada")));
        List<JsonNode> stream = awaitEntries(ada, 3);

        assertThat(stream)
                .extracting(e -> e.get("type").asString())
                .containsExactly(UserCreated.TYPE, UserDeleted.TYPE, EmailVerified.TYPE);
        assertThat(stream.getLast().get("erased").asBoolean()).isTrue();
        assertThat(stream.toString()).doesNotContain(email);
        assertThat(stored(ada)).doesNotContain(email);
        assertThat(jdbc.sql("select count(*) from user_data_key where user_id = ? and wrapped_key is not null")
                        .param(ada)
                        .query(Long.class)
                        .single())
                .as("no new key for an erased user")
                .isZero();
    }

    private List<JsonNode> awaitEntries(UUID userId, int count) {
        var api = new AuditApi("http://localhost:" + port);
        // Waits a moment past the count too, so that an entry appended twice would show.
        List<JsonNode> stream = await().atMost(PATIENCE).until(() -> api.stream(userId), s -> s.size() >= count);
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        stream = api.stream(userId);
        assertThat(stream).hasSize(count);
        return stream;
    }

    /** Everything the database holds of the user's entries, as text (sealed bytes decoded as they are). */
    private String stored(UUID userId) {
        return String.join(
                "\n",
                jdbc.sql("select coalesce(data::text, '') || coalesce(summary, '') as plain, sealed"
                                + " from audit_event where user_id = ?")
                        .param(userId)
                        .query((row, n) -> row.getString("plain")
                                + (row.getBytes("sealed") == null
                                        ? ""
                                        : new String(row.getBytes("sealed"), StandardCharsets.ISO_8859_1)))
                        .list());
    }

    private String rawRows(UUID userId) {
        return String.join(
                "\n",
                jdbc.sql(
                                "select position, version, type, coalesce(encode(sealed, 'hex'), '')"
                                        + " || coalesce(data::text, '') as stored from audit_event where user_id = ? order by version")
                        .param(userId)
                        .query((row, n) ->
                                row.getLong(1) + " " + row.getLong(2) + " " + row.getString(3) + " " + row.getString(4))
                        .list());
    }

    private static UserCreated created(UUID userId, String email, String name) {
        return new UserCreated(UUID.randomUUID(), userId, null, Instant.now(), email, name, Set.of("USER"), true);
    }
}
