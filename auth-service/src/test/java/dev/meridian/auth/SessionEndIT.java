package dev.meridian.auth;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.events.UserDeactivated;
import dev.meridian.events.UserEvents;
import dev.meridian.events.UserUpdated;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import dev.meridian.testkit.TopicReader;
import dev.meridian.testkit.UserEventPublisher;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sessions end when user-service says an account was deactivated or a credential changed (contract C3), from events
 * on {@code user-events} published as user-service publishes them, on a real Kafka broker; the sessions are real
 * authorizations from the code flow, and their ends are seen from outside: refresh tokens refused, access tokens
 * inactive and on the gateway's revocation list in Redis.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "meridian.auth.issuer=http://gateway.test:8080",
            // A group of this context's own, reading from the start: other contexts in this JVM share the broker.
            "spring.kafka.consumer.group-id=" + SessionEndIT.GROUP,
            "spring.kafka.consumer.auto-offset-reset=earliest",
            "meridian.events.retry.initial-interval=100ms",
            "meridian.events.retry.max-attempts=2",
            "meridian.auth.clients[0].client-id=" + CodeFlow.CLIENT,
            "meridian.auth.clients[0].secret=" + CodeFlow.SECRET,
            "meridian.auth.clients[0].grant-types=authorization_code,refresh_token",
            "meridian.auth.clients[0].scopes=openid,profile",
            "meridian.auth.clients[0].audiences=user-service",
            "meridian.auth.clients[0].redirect-uris=" + CodeFlow.REDIRECT_URI
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class SessionEndIT {

    static final String GROUP = "auth-service-session-end-it";

    private static final String PASSWORD = "correct horse battery staple";
    private static final Duration SOON = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UserServiceStandIn USER_SERVICE = new UserServiceStandIn(ServiceProcess.freePort());
    private static final UserEventPublisher EVENTS =
            new UserEventPublisher(KafkaBroker.shared().bootstrapServers());

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

    @DynamicPropertySource
    static void userService(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.cloud.discovery.client.simple.instances.user-service[0].uri",
                () -> "http://127.0.0.1:" + USER_SERVICE.port());
    }

    @AfterAll
    static void close() {
        EVENTS.close();
        USER_SERVICE.close();
    }

    @Test
    void aDeactivationEndsEverySessionOfTheUser() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session laptop = signIn(user.email());
        Session phone = signIn(user.email());

        EVENTS.publish(new UserDeactivated(UUID.randomUUID(), user.id(), null, Instant.now()));

        await().atMost(SOON).untilAsserted(() -> assertThat(ended(laptop)).isTrue());
        assertThat(ended(phone)).isTrue();
        assertThat(listedAsRevoked(laptop)).isTrue();
        assertThat(listedAsRevoked(phone)).isTrue();
        assertThat(flow().introspect(phone.access()).get("active").asBoolean()).isFalse();
    }

    @Test
    void aPasswordChangeEndsTheOtherSessionsAndKeepsTheOneItWasMadeWith() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session changing = signIn(user.email());
        Session other = signIn(user.email());

        EVENTS.publish(credentialChange(user.id(), UserUpdated.PASSWORD, changing.jti()));

        // Not by refreshing meanwhile: a refresh rotates the token, and the next one would be a reuse.
        await().atMost(SOON).untilAsserted(() -> assertThat(ended(other)).isTrue());
        HttpResponse<String> refused = refresh(other);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("invalid_grant");
        assertThat(listedAsRevoked(other))
                .as("the other session's access token")
                .isTrue();
        assertThat(flow().introspect(other.access()).get("active").asBoolean()).isFalse();
        assertThat(listedAsRevoked(changing))
                .as("the changing session's access token")
                .isFalse();
        assertThat(flow().introspect(changing.access()).get("active").asBoolean())
                .isTrue();
        assertThat(refresh(changing).statusCode())
                .as("the changing session refreshes")
                .isEqualTo(200);
    }

    @Test
    void anEmailChangeEndsTheOtherSessionsButANameChangeEndsNone() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session changing = signIn(user.email());
        Session other = signIn(user.email());

        EVENTS.publish(credentialChange(user.id(), UserUpdated.NAME, null));
        awaitHandled(user.id());
        assertThat(ended(other)).as("a name change ends nothing").isFalse();
        assertThat(ended(changing)).isFalse();

        EVENTS.publish(credentialChange(user.id(), UserUpdated.EMAIL, changing.jti()));
        await().atMost(SOON).untilAsserted(() -> assertThat(ended(other)).isTrue());
        assertThat(ended(changing)).isFalse();
    }

    @Test
    void anEventForAnotherUserEndsNothingOfThisUsers() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        var someoneElse = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session mine = signIn(user.email());
        Session theirs = signIn(someoneElse.email());

        EVENTS.publish(new UserDeactivated(UUID.randomUUID(), someoneElse.id(), null, Instant.now()));
        EVENTS.publish(credentialChange(someoneElse.id(), UserUpdated.PASSWORD, mine.jti()));

        await().atMost(SOON).untilAsserted(() -> assertThat(ended(theirs)).isTrue());
        awaitHandled(someoneElse.id());
        assertThat(ended(mine)).isFalse();
        assertThat(listedAsRevoked(mine)).isFalse();
    }

    @Test
    void aRedeliveredEventEndsNoSessionStartedAfterIt() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session before = signIn(user.email());
        UserUpdated change = credentialChange(user.id(), UserUpdated.PASSWORD, null);
        EVENTS.publish(change);
        await().atMost(SOON).untilAsserted(() -> assertThat(ended(before)).isTrue());

        Session after = signIn(user.email());
        EVENTS.publish(change);
        EVENTS.publish(new UserDeactivated(
                UUID.randomUUID(), user.id(), null, Instant.now().minusSeconds(60)));
        awaitHandled(user.id());

        assertThat(ended(after))
                .as("a session signed in after the change (and after a deactivation since lifted)")
                .isFalse();
        assertThat(listedAsRevoked(after)).isFalse();
    }

    @Test
    void anUnreadableEventIsDeadLetteredAndTheNextEventOfThatUserStillEndsTheirSessions() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session session = signIn(user.email());
        var poison = new UserDeactivated(UUID.randomUUID(), user.id(), null, Instant.now());
        Map<String, String> unknownType = new HashMap<>(UserEventPublisher.headers(poison));
        unknownType.put(CloudEventHeaders.TYPE, UserEvents.type("merged", 7));

        EVENTS.publish(user.id().toString(), "{not json", UserEventPublisher.headers(poison));
        EVENTS.publish(user.id().toString(), "{\"whatever\":1}", unknownType);
        EVENTS.publish(new UserDeactivated(UUID.randomUUID(), user.id(), null, Instant.now()));

        await().atMost(SOON).untilAsserted(() -> assertThat(ended(session)).isTrue());
        try (var deadLetters =
                new TopicReader(KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC + ".auth-service.dlt")) {
            var mine = deadLetters.readKey(user.id().toString(), 1, SOON);
            assertThat(mine).hasSize(1);
            assertThat(mine.getFirst().value()).isEqualTo("{not json");
        }
    }

    private static UserUpdated credentialChange(UUID user, String field, String actorTokenId) {
        return new UserUpdated(
                UUID.randomUUID(),
                user,
                user,
                Instant.now(),
                Set.of(field),
                "new-" + user + "@example.com",
                "Test User",
                UserUpdated.EMAIL.equals(field) ? "old-" + user + "@example.com" : null,
                actorTokenId);
    }

    private record Session(String access, String refresh, String jti) {}

    private Session signIn(String email) {
        JsonNode tokens = flow().signIn(email, PASSWORD);
        String access = tokens.get("access_token").asString();
        String jti = OAuthHttp.accessTokens("http://127.0.0.1:" + port + "/oauth2/jwks")
                .decode(access)
                .getId();
        return new Session(access, tokens.get("refresh_token").asString(), jti);
    }

    /** Ended: its refresh token is refused. (A refresh of a live session rotates it, so this asks introspection.) */
    private boolean ended(Session session) {
        return !flow().introspect(session.refresh()).get("active").asBoolean();
    }

    private HttpResponse<String> refresh(Session session) {
        return flow().refresh(session.refresh());
    }

    private boolean listedAsRevoked(Session session) {
        return redis.opsForZSet().score(RevokedAccessTokens.KEY, session.jti()) != null;
    }

    /**
     * Waits until every event published so far with the record key {@code key} has been handled: publishes, under the
     * same key (so on the same partition, after them), the deactivation of a probe user, and waits for its session to
     * end.
     */
    private void awaitHandled(UUID key) {
        var probe = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session session = signIn(probe.email());
        var deactivated = new UserDeactivated(UUID.randomUUID(), probe.id(), null, Instant.now());
        EVENTS.publish(key.toString(), JSON.writeValueAsString(deactivated), UserEventPublisher.headers(deactivated));
        await().atMost(SOON).untilAsserted(() -> assertThat(ended(session)).isTrue());
    }

    private CodeFlow flow() {
        return new CodeFlow(port);
    }
}
