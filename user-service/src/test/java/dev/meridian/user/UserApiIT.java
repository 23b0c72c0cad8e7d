package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.springframework.test.json.JsonContent;

class UserApiIT extends RunningUserService {

    private static final String PASSWORD = "correct horse battery";

    @Test
    void reportsReadyWithItsDatabaseAndRedisUp() {
        var health = api.get("/actuator/health", null);

        assertThat(api.get("/readyz", null).statusCode()).isEqualTo(200);
        assertThat(new JsonContent(health.body()))
                .extractingPath("$.components.db.status")
                .asString()
                .isEqualTo("UP");
        assertThat(new JsonContent(health.body()))
                .extractingPath("$.components.redis.status")
                .asString()
                .isEqualTo("UP");
    }

    @Test
    void signUpAnswers202AndNeverThePassword() {
        var response = signUp(unique() + "@Example.COM ", "Ada Lovelace");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEqualTo("{\"status\":\"verification-pending\"}");
        assertThat(response.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void anAdministratorCreatingAnAccountGets201WithLocationAndEtagAndNeverThePassword() {
        String email = unique() + "@Example.COM ";

        var response = api.post("/api/users", AccessTokens.admin(UUID.randomUUID()), """
                {"email": "%s", "name": "Ada Lovelace", "password": "%s"}""".formatted(email, PASSWORD));

        assertThat(response.statusCode()).isEqualTo(201);
        String id = JsonPath.read(response.body(), "$.id");
        assertThat(response.headers().firstValue("Location")).hasValue("/api/users/" + id);
        assertThat(response.headers().firstValue("ETag")).hasValue("\"0\"");
        assertThat(new JsonContent(response.body()))
                .extractingPath("$.email")
                .asString()
                .isEqualTo(email.strip().toLowerCase());
        assertThat(new JsonContent(response.body()))
                .extractingPath("$.role")
                .asString()
                .isEqualTo("USER");
        assertThat(new JsonContent(response.body()))
                .extractingPath("$.emailVerified")
                .asBoolean()
                .isFalse();
        assertThat(response.body()).doesNotContain("password", PASSWORD);
    }

    @Test
    void anAdministratorIsToldOfADuplicateEmailWhateverItsCaseWith409() {
        String email = unique() + "@example.com";
        String admin = AccessTokens.admin(UUID.randomUUID());
        assertThat(signUp(email, "First").statusCode()).isEqualTo(202);

        var duplicate = api.post("/api/users", admin, """
                {"email": "%s", "name": "Second", "password": "%s"}""".formatted("  " + email.toUpperCase() + " ", PASSWORD));

        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(duplicate.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonContent(duplicate.body()))
                .extractingPath("$.title")
                .asString()
                .isEqualTo("Email already taken");
    }

    @Test
    void invalidSignUpListsEveryFieldAt400() {
        var response = api.post("/api/users", null, """
                {"email": "not-an-email", "name": " ", "password": "short"}""");

        assertThat(response.statusCode()).isEqualTo(400);
        List<String> fields = JsonPath.read(response.body(), "$.errors[*].field");
        assertThat(fields).contains("email", "name", "password");
    }

    @Test
    void rejectsAPasswordThatIsTheEmailAddress() {
        String email = unique() + "@example.com";

        var response = api.post("/api/users", null, """
                {"email": "%s", "name": "Ada", "password": "%s"}""".formatted(email, email.toUpperCase()));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new JsonContent(response.body()))
                .extractingPath("$.errors[*].field")
                .asArray()
                .containsExactly("password");
    }

    @Test
    void malformedJsonUnknownFieldsAndBadIdsAre400NotServerErrors() {
        assertThat(api.post("/api/users", null, "{\"email\": ").statusCode()).isEqualTo(400);
        assertThat(api.post("/api/users", null, """
                {"email": "%s@example.com", "name": "Ada", "password": "%s", "admin": true}""".formatted(unique(), PASSWORD))
                        .statusCode())
                .isEqualTo(400);
        assertThat(api.post("/api/users", null, "[1, 2]").statusCode()).isEqualTo(400);
        var badId = api.get("/api/users/not-a-uuid", AccessTokens.admin(UUID.randomUUID()));
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void oversizeBodiesAre413WhetherDeclaredOrStreamed() throws Exception {
        String huge = "{\"email\": \"a@example.com\", \"name\": \"" + "x".repeat(40_000) + "\", \"password\": \"p\"}";

        var declared = api.post("/api/users", null, huge);
        var streamed = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/users"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofInputStream(
                                        () -> new ByteArrayInputStream(huge.getBytes())))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(streamed.statusCode()).isEqualTo(413);
        assertThat(streamed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void theApiIsDescribedByOpenApi() {
        var docs = api.get("/v3/api-docs", null);

        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(new JsonContent(docs.body()))
                .extractingPath("$.openapi")
                .asString()
                .startsWith("3.");
        assertThat(new JsonContent(docs.body()))
                .extractingPath("$.info.title")
                .asString()
                .isEqualTo("Meridian user-service");
        assertThat(new JsonContent(docs.body()))
                .extractingPath("$.info.version")
                .asString()
                .as("the build's version, filtered into application.yml")
                .matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(new JsonContent(docs.body()))
                .extractingPath("$.paths")
                .asMap()
                .containsKeys("/api/users", "/api/users/{id}", "/api/users/{id}/deactivate")
                .containsKeys(
                        "/api/users/email-verification", "/api/users/password-reset", "/api/users/me/email-change")
                .doesNotContainKey("/internal/credentials/verify")
                .doesNotContainKey("/internal/mail-links")
                .doesNotContainKey("/internal/users/{id}/standing");
        // Who calls comes from the token, not from the request: no "caller" parameter for a client to fill in.
        assertThat(new JsonContent(docs.body()))
                .extractingPath("$.paths..parameters[*].name")
                .asArray()
                .doesNotContain("caller");
    }

    @Test
    void onlyAnAdministratorMayCreateAnAdmin() {
        String body = """
                {"email": "%s@example.com", "name": "Root", "password": "%s", "role": "ADMIN"}""".formatted(unique(), PASSWORD);

        assertThat(api.post("/api/users", null, body).statusCode()).isEqualTo(403);
        assertThat(api.post("/api/users", AccessTokens.user(UUID.randomUUID()), body)
                        .statusCode())
                .isEqualTo(403);
        var created = api.post("/api/users", AccessTokens.admin(UUID.randomUUID()), body);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(new JsonContent(created.body()))
                .extractingPath("$.role")
                .asString()
                .isEqualTo("ADMIN");
    }

    @Test
    void aUserReadsTheirOwnAccountButCannotSeeOrChangeAnotherOne() {
        UUID ada = verified(unique() + "@example.com", "Ada");
        UUID bob = verified(unique() + "@example.com", "Bob");

        assertThat(api.get("/api/users/" + ada, AccessTokens.user(ada)).statusCode())
                .isEqualTo(200);
        assertThat(api.get("/api/users/me", AccessTokens.user(ada)).body()).contains(ada.toString());
        assertThat(api.get("/api/users/" + bob, AccessTokens.user(ada)).statusCode())
                .isEqualTo(404);
        assertThat(api.patch("/api/users/" + bob, AccessTokens.user(ada), "\"0\"", "{\"name\": \"Mallory\"}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(api.post("/api/users/" + bob + "/deactivate", AccessTokens.user(ada), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(api.get("/api/users/" + bob, AccessTokens.admin(UUID.randomUUID()))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void missingOrUntrustedTokensAre401ProblemsWithABearerChallenge() {
        UUID ada = verified(unique() + "@example.com", "Ada");

        for (String token : List.of(
                "",
                AccessTokens.signedByAnotherKey(ada),
                AccessTokens.expired(ada),
                AccessTokens.forAudience(ada, "x"))) {
            var response = api.get("/api/users/" + ada, token.isEmpty() ? null : token);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    @Test
    void onlyAdministratorsListAccountsPagedAndSortedOnIndexedFields() {
        String older = unique() + "@example.com";
        String newer = unique() + "@example.com";
        signUp(older, "Listed");
        signUp(newer, "Listed too");
        String admin = AccessTokens.admin(UUID.randomUUID());

        assertThat(api.get("/api/users", AccessTokens.user(UUID.randomUUID())).statusCode())
                .isEqualTo(403);
        var page = api.get("/api/users?page=0&size=2&sort=email,asc", admin);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(new JsonContent(page.body()))
                .extractingPath("$.page.size")
                .asNumber()
                .isEqualTo(2);
        // The database's own order (its collation, not Java's) is the one an index on email serves.
        assertThat(emails(page))
                .as("the first two emails in ascending order")
                .containsExactlyElementsOf(jdbc.sql("select email from users order by email asc limit 2")
                        .query(String.class)
                        .list());
        assertThat(emails(api.get("/api/users?page=0&size=2&sort=email,desc", admin)))
                .as("the first two emails in descending order")
                .containsExactlyElementsOf(jdbc.sql("select email from users order by email desc limit 2")
                        .query(String.class)
                        .list());
        assertThat(emails(api.get("/api/users?page=0&size=2&sort=createdAt,desc", admin)))
                .as("the newest two accounts, newest first")
                .containsExactly(newer, older);
        assertThat(api.get("/api/users?sort=passwordHash", admin).statusCode()).isEqualTo(400);
    }

    private static List<String> emails(HttpResponse<String> page) {
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        return JsonPath.read(page.body(), "$.content[*].email");
    }

    @Test
    void anUpdateNeedsTheCurrentEtagAndOfTwoRacingUpdatesOneWins() throws Exception {
        UUID ada = verified(unique() + "@example.com", "Ada");
        String token = AccessTokens.user(ada);

        assertThat(api.patch("/api/users/" + ada, token, null, "{\"name\": \"A\"}")
                        .statusCode())
                .isEqualTo(428);
        var barrier = new CyclicBarrier(2);
        var first = CompletableFuture.supplyAsync(() -> racingRename(ada, token, "Ada One", barrier));
        var second = CompletableFuture.supplyAsync(() -> racingRename(ada, token, "Ada Two", barrier));

        List<Integer> statuses = List.of(first.get().statusCode(), second.get().statusCode());
        assertThat(statuses).containsExactlyInAnyOrder(200, 412);
        var current = api.get("/api/users/" + ada, token);
        assertThat(current.headers().firstValue("ETag")).hasValue("\"2\"");
        assertThat(api.patch("/api/users/" + ada, token, "\"1\"", "{\"name\": \"Late\"}")
                        .statusCode())
                .isEqualTo(412);
    }

    @Test
    void theOwnerChangesTheEmailThroughAConfirmedChangeNotAPatch() {
        UUID ada = verified(unique() + "@example.com", "Ada");

        var response = api.patch("/api/users/" + ada, AccessTokens.user(ada), "\"1\"", """
                {"email": "%s", "currentPassword": "%s"}""".formatted(
                        unique() + "@example.com", PASSWORD));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new JsonContent(response.body()))
                .extractingPath("$.type")
                .asString()
                .endsWith("/problems/email-change-needs-confirmation");
        assertThat(api.get("/api/users/" + ada, AccessTokens.user(ada))
                        .headers()
                        .firstValue("ETag"))
                .hasValue("\"1\"");
    }

    @Test
    void aUserMayDeactivateThemselvesButOnlyAnAdministratorActivates() {
        UUID ada = verified(unique() + "@example.com", "Ada");

        var deactivated = api.post("/api/users/" + ada + "/deactivate", AccessTokens.user(ada), null);
        assertThat(deactivated.statusCode()).isEqualTo(200);
        assertThat(new JsonContent(deactivated.body()))
                .extractingPath("$.status")
                .asString()
                .isEqualTo("DEACTIVATED");
        assertThat(api.post("/api/users/" + ada + "/activate", AccessTokens.user(ada), null)
                        .statusCode())
                .isEqualTo(403);
        var activated = api.post("/api/users/" + ada + "/activate", AccessTokens.admin(UUID.randomUUID()), null);
        assertThat(new JsonContent(activated.body()))
                .extractingPath("$.status")
                .asString()
                .isEqualTo("ACTIVE");
    }

    private HttpResponse<String> racingRename(UUID id, String token, String name, CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // Version 1: the account as verification left it.
        return api.patch("/api/users/" + id, token, "\"1\"", "{\"name\": \"" + name + "\"}");
    }

    private HttpResponse<String> signUp(String email, String name) {
        return api.post("/api/users", null, """
                {"email": "%s", "name": "%s", "password": "%s"}""".formatted(email, name, PASSWORD));
    }

    private UUID verified(String email, String name) {
        return signUpVerified(email, name, PASSWORD);
    }

    private static String unique() {
        return "u" + UUID.randomUUID().toString().substring(0, 12);
    }
}
