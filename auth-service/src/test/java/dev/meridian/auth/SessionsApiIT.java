package dev.meridian.auth;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.EmailChangeCancelled;
import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.events.SessionsRevoked;
import dev.meridian.events.UserDeleted;
import dev.meridian.events.UserEvents;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import dev.meridian.testkit.TopicReader;
import dev.meridian.testkit.UserEventPublisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sessions API (and the event intake ending sessions on an email-change cancellation or a deletion), against
 * real PostgreSQL, Redis and Kafka; sessions are real authorizations from the code flow with a browser sending its
 * own user agent and address (through a trusted proxy, as behind the gateway).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "meridian.auth.issuer=http://gateway.test:8080",
            "spring.kafka.consumer.group-id=" + SessionsApiIT.GROUP,
            "spring.kafka.consumer.auto-offset-reset=earliest",
            "meridian.auth.clients[0].client-id=" + CodeFlow.CLIENT,
            "meridian.auth.clients[0].secret=" + CodeFlow.SECRET,
            "meridian.auth.clients[0].grant-types=authorization_code,refresh_token",
            "meridian.auth.clients[0].scopes=openid,profile",
            "meridian.auth.clients[0].audiences=user-service",
            "meridian.auth.clients[0].redirect-uris=" + CodeFlow.REDIRECT_URI,
            "meridian.auth.clients[1].client-id=reporting",
            "meridian.auth.clients[1].secret=" + SessionsApiIT.REPORTING_SECRET,
            "meridian.auth.clients[1].grant-types=client_credentials",
            "meridian.auth.clients[1].scopes=users.read",
            "meridian.auth.clients[1].audiences=user-service"
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class SessionsApiIT {

    static final String GROUP = "auth-service-sessions-api-it";
    static final String REPORTING_SECRET = "a-long-reporting-client-secret";

    private static final String PASSWORD = "correct horse battery staple";
    private static final Duration SOON = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final UserServiceStandIn USER_SERVICE = new UserServiceStandIn(ServiceProcess.freePort());
    private static final UserEventPublisher EVENTS =
            new UserEventPublisher(KafkaBroker.shared().bootstrapServers());

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    JdbcClient jdbc;

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
    void listsTheUsersOwnSessionsWithClientTimesAddressAndUserAgentOfTheSignIn() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Instant before = Instant.now().minusSeconds(1);
        Session laptop = signIn(user.email(), "Laptop/1.0 (X11)", "203.0.113.7");
        Session phone = signIn(user.email(), "Phone/2.0", null);
        signIn(USER_SERVICE.add(PASSWORD, Set.of("USER")).email(), "Someone else", null);

        HttpResponse<String> listed = call("GET", "/api/sessions", laptop.access());

        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        JsonNode sessions = JSON.readTree(listed.body());
        assertThat(sessions).hasSize(2);
        JsonNode newest = sessions.get(0);
        assertThat(newest.get("id").asString()).isEqualTo(phone.id());
        assertThat(newest.get("userAgent").asString()).isEqualTo("Phone/2.0");
        assertThat(newest.get("address").asString()).isEqualTo("127.0.0.1");
        assertThat(newest.get("current").asBoolean()).isFalse();
        JsonNode mine = sessions.get(1);
        assertThat(mine.get("id").asString()).isEqualTo(laptop.id());
        assertThat(mine.get("clientId").asString()).isEqualTo(CodeFlow.CLIENT);
        assertThat(mine.get("address").asString())
                .as("the client's address behind a trusted proxy")
                .isEqualTo("203.0.113.7");
        assertThat(mine.get("userAgent").asString()).isEqualTo("Laptop/1.0 (X11)");
        assertThat(mine.get("current").asBoolean()).isTrue();
        assertThat(Instant.parse(mine.get("signedInAt").asString())).isAfter(before);
        assertThat(Instant.parse(mine.get("lastUsedAt").asString()))
                .isAfterOrEqualTo(Instant.parse(mine.get("signedInAt").asString()));
    }

    @Test
    void endingASessionRevokesItsTokensWithinASecondAndLeavesTheOtherSession() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session laptop = signIn(user.email(), "Laptop", null);
        Session phone = signIn(user.email(), "Phone", null);

        Instant asked = Instant.now();
        HttpResponse<String> ended = call("DELETE", "/api/sessions/" + laptop.id(), phone.access());

        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> listedAsRevoked(laptop));
        assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(1));
        HttpResponse<String> refused = new CodeFlow(port).refresh(laptop.refresh());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("invalid_grant");
        assertThat(call("GET", "/api/sessions", laptop.access()).statusCode())
                .as("the revoked access token, here too")
                .isEqualTo(401);
        assertThat(listedAsRevoked(phone)).isFalse();
        assertThat(new CodeFlow(port).refresh(phone.refresh()).statusCode())
                .as("the other session still refreshes")
                .isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from session_details where authorization_id = ?")
                        .param(laptop.id())
                        .query(Integer.class)
                        .single())
                .as("its sign-in record went with it")
                .isZero();

        JsonNode event = revokedEvent(user.id());
        assertThat(event.get("actorId").asString()).isEqualTo(user.id().toString());
        assertThat(event.get("authorizationIds").get(0).asString()).isEqualTo(laptop.id());
        assertThat(event.get("everywhere").asBoolean()).isFalse();
    }

    @Test
    void anotherUsersSessionIdIsNotFoundLikeAnUnknownOneAndStaysSignedIn() {
        Session theirs = signIn(USER_SERVICE.add(PASSWORD, Set.of("USER")).email(), "Theirs", null);
        Session mine = signIn(USER_SERVICE.add(PASSWORD, Set.of("USER")).email(), "Mine", null);

        HttpResponse<String> other = call("DELETE", "/api/sessions/" + theirs.id(), mine.access());
        HttpResponse<String> unknown = call("DELETE", "/api/sessions/" + UUID.randomUUID(), mine.access());

        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(JSON.readTree(other.body()).get("status").asInt()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(withoutInstance(unknown)).as("no oracle").isEqualTo(withoutInstance(other));
        assertThat(listedAsRevoked(theirs)).isFalse();
        assertThat(new CodeFlow(port).introspect(theirs.refresh()).get("active").asBoolean())
                .isTrue();
    }

    @Test
    void signingOutEverywhereEndsEverySessionOrAllButTheCurrentOne() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session current = signIn(user.email(), "Current", null);
        Session second = signIn(user.email(), "Second", null);
        Session third = signIn(user.email(), "Third", null);

        assertThat(call("DELETE", "/api/sessions?keepCurrent=true", current.access())
                        .statusCode())
                .isEqualTo(204);
        assertThat(ended(second)).isTrue();
        assertThat(ended(third)).isTrue();
        assertThat(ended(current)).as("kept").isFalse();
        assertThat(listedAsRevoked(second) && listedAsRevoked(third)).isTrue();

        assertThat(call("DELETE", "/api/sessions", current.access()).statusCode())
                .isEqualTo(204);
        assertThat(ended(current)).isTrue();
        assertThat(listedAsRevoked(current)).isTrue();
        JsonNode everywhere =
                revokedEvent(user.id(), event -> event.get("everywhere").asBoolean());
        assertThat(everywhere.get("authorizationIds").get(0).asString()).isEqualTo(current.id());
    }

    @Test
    void anAdministratorListsAndEndsAnyUsersSessions() {
        var admin = USER_SERVICE.add(PASSWORD, Set.of("USER", "ADMIN"));
        Session adminSession = signIn(admin.email(), "Admin", null);
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session one = signIn(user.email(), "One", "198.51.100.4");
        Session two = signIn(user.email(), "Two", null);
        String path = "/api/admin/users/" + user.id() + "/sessions";

        HttpResponse<String> listed = call("GET", path, adminSession.access());
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JSON.readTree(listed.body())
                .forEach(session -> ids.add(session.get("id").asString()));
        assertThat(ids).containsExactly(two.id(), one.id());
        assertThat(JSON.readTree(listed.body()).get(1).get("address").asString())
                .isEqualTo("198.51.100.4");

        assertThat(call("DELETE", path + "/" + one.id(), adminSession.access()).statusCode())
                .isEqualTo(204);
        assertThat(ended(one)).isTrue();
        assertThat(ended(two)).isFalse();
        assertThat(call("DELETE", path + "/" + adminSession.id(), adminSession.access())
                        .statusCode())
                .as("the admin's own session is not this user's")
                .isEqualTo(404);
        assertThat(call("DELETE", path, adminSession.access()).statusCode()).isEqualTo(204);
        assertThat(ended(two)).isTrue();
        assertThat(listedAsRevoked(two)).isTrue();
        assertThat(ended(adminSession)).isFalse();
        assertThat(revokedEvent(user.id()).get("actorId").asString())
                .isEqualTo(admin.id().toString());
        HttpResponse<String> malformed = call("GET", "/api/admin/users/not-a-uuid/sessions", adminSession.access());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    @Test
    void theAdminApiAnswers403ProblemsToUsersAnd401ProblemsWithoutALiveToken() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session session = signIn(user.email(), "User", null);
        String path = "/api/admin/users/" + user.id() + "/sessions";

        HttpResponse<String> forbidden = call("GET", path, session.access());
        HttpResponse<String> forbiddenDelete = call("DELETE", path, session.access());
        HttpResponse<String> anonymous = call("GET", path, null);
        HttpResponse<String> anonymousMine = call("GET", "/api/sessions", null);
        HttpResponse<String> forged = call("GET", "/api/sessions", session.access() + "x");

        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbiddenDelete.statusCode()).isEqualTo(403);
        assertThat(ended(session)).isFalse();
        for (HttpResponse<String> refusal : List.of(forbidden, anonymous, anonymousMine, forged)) {
            assertThat(refusal.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(JSON.readTree(refusal.body()).get("status").asInt()).isEqualTo(refusal.statusCode());
        }
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        assertThat(anonymousMine.statusCode()).isEqualTo(401);
        assertThat(forged.statusCode()).isEqualTo(401);
        HttpResponse<String> malformed = call("GET", "/api/admin/users/not-a-uuid/sessions", null);
        assertThat(malformed.statusCode()).isEqualTo(401);
    }

    @Test
    void aClientsOwnTokenHasNoSessionsHere() {
        HttpResponse<String> issued = OAuthHttp.send(
                HTTP,
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oauth2/token"))
                        .header("Authorization", OAuthHttp.basic("reporting", REPORTING_SECRET))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=users.read")),
                Duration.ofSeconds(15));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        String token = JSON.readTree(issued.body()).get("access_token").asString();

        HttpResponse<String> refused = call("GET", "/api/sessions", token);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
    }

    @Test
    void anEmailChangeCancellationEndsEverySessionOfTheUser() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session laptop = signIn(user.email(), "Laptop", null);
        Session phone = signIn(user.email(), "Phone", null);

        EVENTS.publish(new EmailChangeCancelled(
                UUID.randomUUID(), user.id(), user.id(), Instant.now(), user.email(), "Test User"));

        // Ended one after the other: wait for both.
        await().atMost(SOON)
                .untilAsserted(() -> assertThat(ended(laptop) && ended(phone)).isTrue());
        assertThat(listedAsRevoked(laptop) && listedAsRevoked(phone)).isTrue();
    }

    @Test
    void aDeletionForgetsEveryAuthorizationConsentAndSignInRecordOfTheUserAndARedeliveryIsHarmless() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        var other = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session session = signIn(user.email(), "Laptop", "203.0.113.7");
        Session others = signIn(other.email(), "Other", null);
        Instant deletedAt = Instant.now();
        // Being signed in as the deletion happens: a user id is never given again, so this one goes too.
        Session during = signIn(user.email(), "During", null);
        String client = jdbc.sql("select registered_client_id from oauth2_authorization where id = ?")
                .param(session.id())
                .query(String.class)
                .single();
        for (var principal : List.of(user.id(), other.id())) {
            jdbc.sql("insert into oauth2_authorization_consent (registered_client_id, principal_name, authorities)"
                            + " values (?, ?, 'SCOPE_openid') on conflict do nothing")
                    .params(client, principal.toString())
                    .update();
        }
        assertThat(count("session_details", user.id())).isPositive();
        var deleted = new UserDeleted(UUID.randomUUID(), user.id(), user.id(), deletedAt, UserDeleted.SELF);

        EVENTS.publish(deleted);
        EVENTS.publish(deleted);

        await().atMost(SOON)
                .untilAsserted(() -> assertThat(ended(session) && ended(during)).isTrue());
        await().atMost(SOON)
                .untilAsserted(() -> assertThat(count("oauth2_authorization_consent", user.id()))
                        .isZero());
        assertThat(listedAsRevoked(session) && listedAsRevoked(during)).isTrue();
        assertThat(count("oauth2_authorization", user.id())).isZero();
        assertThat(count("session_details", user.id())).isZero();
        assertThat(ended(others)).isFalse();
        assertThat(count("oauth2_authorization_consent", other.id())).isOne();
    }

    @Test
    void aDeletionErasesTheUsersSecondFactorsButNoOneElses() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        var other = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        for (var owner : List.of(user.id(), other.id())) {
            // As enrolment leaves them: the app's secret (sealed; any text here), a recovery code's digest, a passkey.
            jdbc.sql(
                            "insert into totp_factors (user_id, secret, enrolled_at, last_step) values (?, 'sealed', now(), 0)")
                    .param(owner)
                    .update();
            jdbc.sql("insert into recovery_codes (user_id, code_hash) values (?, ?)")
                    .params(owner, "0".repeat(64))
                    .update();
            String handle = handle(owner);
            jdbc.sql("insert into user_entities (id, name, display_name) values (?, ?, 'Meridian account')")
                    .params(handle, owner.toString())
                    .update();
            jdbc.sql("""
                            insert into user_credentials (credential_id, user_entity_user_id, public_key,
                              backup_eligible, backup_state, created, last_used, label)
                              values (?, ?, ?, false, false, now(), now(), 'Phone')
                            """)
                    .params(UUID.randomUUID().toString(), handle, new byte[] {1})
                    .update();
        }

        EVENTS.publish(new UserDeleted(UUID.randomUUID(), user.id(), user.id(), Instant.now(), UserDeleted.SELF));

        await().atMost(SOON)
                .untilAsserted(() -> assertThat(secondFactorRows(user.id())).containsExactly(0L, 0L, 0L, 0L));
        assertThat(secondFactorRows(other.id())).containsExactly(1L, 1L, 1L, 1L);
    }

    /** The WebAuthn user handle (base64url, as Spring stores it) this test gives {@code user}'s passkeys. */
    private static String handle(UUID user) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(user.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** The user's rows in totp_factors, recovery_codes, user_entities and user_credentials, in that order. */
    private List<Long> secondFactorRows(UUID user) {
        return List.of(
                jdbc.sql("select count(*) from totp_factors where user_id = ?")
                        .param(user)
                        .query(Long.class)
                        .single(),
                jdbc.sql("select count(*) from recovery_codes where user_id = ?")
                        .param(user)
                        .query(Long.class)
                        .single(),
                jdbc.sql("select count(*) from user_entities where name = ?")
                        .param(user.toString())
                        .query(Long.class)
                        .single(),
                jdbc.sql("select count(*) from user_credentials where user_entity_user_id = ?")
                        .param(handle(user))
                        .query(Long.class)
                        .single());
    }

    private long count(String table, UUID principal) {
        return jdbc.sql("select count(*) from " + table + " where principal_name = ?")
                .param(principal.toString())
                .query(Long.class)
                .single();
    }

    private record Session(String id, String access, String refresh, String jti) {}

    /** A new browser signs in, sending this user agent and (as a trusted proxy would) X-Forwarded-For. */
    private Session signIn(String email, String userAgent, String forwardedFor) {
        Map<String, String> headers = forwardedFor == null
                ? Map.of("User-Agent", userAgent)
                : Map.of("User-Agent", userAgent, "X-Forwarded-For", forwardedFor);
        JsonNode tokens = new CodeFlow(port).signIn(email, PASSWORD, headers);
        String access = tokens.get("access_token").asString();
        String jti = OAuthHttp.accessTokens("http://127.0.0.1:" + port + "/oauth2/jwks")
                .decode(access)
                .getId();
        String id = jdbc.sql("select id from oauth2_authorization where access_token_value = ?")
                .param(access)
                .query(String.class)
                .single();
        return new Session(id, access, tokens.get("refresh_token").asString(), jti);
    }

    private HttpResponse<String> call(String method, String path, String token) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return OAuthHttp.send(HTTP, request, Duration.ofSeconds(15));
    }

    private boolean ended(Session session) {
        return !new CodeFlow(port).introspect(session.refresh()).get("active").asBoolean();
    }

    private boolean listedAsRevoked(Session session) {
        return redis.opsForZSet().score(RevokedAccessTokens.KEY, session.jti()) != null;
    }

    /** The problem without its {@code instance} (the request path, which names the id). */
    /** The problem without what is each answer's own: its path and its trace id. */
    private static JsonNode withoutInstance(HttpResponse<String> response) {
        var problem = (tools.jackson.databind.node.ObjectNode) JSON.readTree(response.body());
        problem.remove("instance");
        problem.remove("traceId");
        return problem;
    }

    private static JsonNode revokedEvent(UUID user) {
        return revokedEvent(user, event -> true);
    }

    /** The user's {@code sessions-revoked} event matching {@code which}, as audit-service reads it. */
    private static JsonNode revokedEvent(UUID user, java.util.function.Predicate<JsonNode> which) {
        try (var events = new TopicReader(KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC)) {
            java.util.function.Predicate<ConsumerRecord<String, String>> wanted =
                    record -> user.toString().equals(record.key())
                            && SessionsRevoked.TYPE.equals(TopicReader.header(record, CloudEventHeaders.TYPE))
                            && which.test(JSON.readTree(record.value()));
            List<ConsumerRecord<String, String>> found =
                    events.readUntil(all -> all.stream().anyMatch(wanted), SOON).stream()
                            .filter(wanted)
                            .toList();
            assertThat(found).as("a sessions-revoked event for the user").isNotEmpty();
            ConsumerRecord<String, String> record = found.getLast();
            assertThat(TopicReader.header(record, CloudEventHeaders.SOURCE)).isEqualTo(UserEvents.AUTH_SOURCE);
            return JSON.readTree(record.value());
        }
    }
}
