package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.meridian.events.UserEvents;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.TopicReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.test.json.JsonContent;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a stolen access token can and cannot do: without the current password it changes neither the email nor the
 * password; a change names the token it was made with, so auth-service ends the other sessions; a deactivated
 * user's token stops working here although it has not expired.
 */
class AccountTakeoverIT extends RunningUserService {

    private static final String PASSWORD = "correct horse battery";
    private static final String AUTH_SERVICE = AccessTokens.service("auth-service", "users.credentials.verify");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Change(String email, String password, String currentPassword) {}

    @Test
    void aTokenAloneChangesNeitherPasswordNorEmail() {
        UUID ada = signUp(unique());
        String stolen = AccessTokens.user(ada);

        var noPassword = change(ada, stolen, 1, new Change(null, "a new password for ada", null));
        // The email changes only through a change confirmed at the new address, never by a PATCH.
        var noEmail = change(ada, stolen, 1, new Change(unique(), null, PASSWORD));
        var wrongPassword = change(ada, stolen, 1, new Change(null, "a new password for ada", "a guess at it"));

        assertThat(noPassword.statusCode()).isEqualTo(400);
        assertThat(noPassword.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonContent(noPassword.body()))
                .extractingPath("$.errors[*].field")
                .asArray()
                .containsExactly("currentPassword");
        assertThat(noEmail.statusCode()).isEqualTo(400);
        assertThat(new JsonContent(noEmail.body()))
                .extractingPath("$.errors[0].field")
                .asString()
                .isEqualTo("email");
        assertThat(wrongPassword.statusCode()).isEqualTo(403);
        assertThat(new JsonContent(wrongPassword.body()))
                .extractingPath("$.errors[0].field")
                .asString()
                .isEqualTo("currentPassword");
        assertThat(api.get("/api/users/" + ada, stolen).headers().firstValue("ETag"))
                .hasValue("\"1\"");
    }

    @Test
    void guessingTheCurrentPasswordWithAStolenTokenIsThrottled() {
        UUID ada = signUp(unique());
        String stolen = AccessTokens.user(ada);

        for (int guess = 0; guess < 5; guess++) {
            assertThat(change(ada, stolen, 1, new Change(null, "a new password for ada", "guess number " + guess))
                            .statusCode())
                    .isEqualTo(403);
        }
        var locked = change(ada, stolen, 1, new Change(null, "a new password for ada", PASSWORD));

        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        assertThat(locked.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void withTheCurrentPasswordTheOwnerChangesItAndTheEventNamesTheTokenButNoSecret() {
        String email = unique();
        UUID ada = signUp(email);
        String tokenId = UUID.randomUUID().toString();
        String token =
                AccessTokens.ISSUER.sign(AccessTokens.claims(ada).jwtID(tokenId).build());

        var changed = change(ada, token, 1, new Change(null, "ada's brand new password", PASSWORD));

        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(verified(email, "ada's brand new password")).isTrue();
        assertThat(verified(email, PASSWORD)).isFalse();
        ConsumerRecord<String, String> updated;
        try (var topic = new TopicReader(KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC)) {
            // created, verification requested, verified, updated
            updated = topic.readKey(ada.toString(), 4, Duration.ofSeconds(30)).stream()
                    .filter(r -> r.value().contains("\"changed\""))
                    .findFirst()
                    .orElseThrow();
        }
        assertThat(new JsonContent(updated.value()))
                .extractingPath("$.actorTokenId")
                .asString()
                .isEqualTo(tokenId);
        assertThat(new JsonContent(updated.value()))
                .extractingPath("$.changed")
                .asArray()
                .containsExactly("password");
        assertThat(new JsonContent(updated.value()))
                .extractingPath("$.emailVerified")
                .asBoolean()
                .isTrue();
        assertThat(updated.value()).doesNotContain(PASSWORD, "ada's brand new password", "argon2", "bcrypt", token);
    }

    @Test
    void anAdministratorCannotChangeAnotherUsersCredentials() {
        UUID ada = signUp(unique());
        String admin = AccessTokens.admin(UUID.randomUUID());

        var email = change(ada, admin, 1, new Change(unique(), null, PASSWORD));
        var password = change(ada, admin, 1, new Change(null, "chosen by the admin", PASSWORD));
        var name = change(ada, admin, 1, new Change(null, null, null));

        assertThat(email.statusCode()).isEqualTo(403);
        assertThat(password.statusCode()).isEqualTo(403);
        assertThat(name.statusCode()).isEqualTo(200);
    }

    @Test
    void aDeactivatedUsersStillValidTokenIsRefusedWith403() {
        UUID ada = signUp(unique());
        String token = AccessTokens.user(ada);
        assertThat(api.get("/api/users/me", token).statusCode()).isEqualTo(200); // cached now
        assertThat(api.post("/api/users/" + ada + "/deactivate", token, null).statusCode())
                .isEqualTo(200);

        for (var response : List.of(
                api.get("/api/users/me", token),
                api.get("/api/users/" + ada, token),
                api.patch("/api/users/" + ada, token, "\"2\"", "{\"name\": \"Still here\"}"),
                api.post("/api/users/" + ada + "/deactivate", token, null))) {
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        var reactivated = api.post("/api/users/" + ada + "/activate", AccessTokens.admin(UUID.randomUUID()), null);
        assertThat(reactivated.statusCode()).isEqualTo(200);
        assertThat(api.get("/api/users/me", token).statusCode()).isEqualTo(200);
    }

    @Test
    void namesRefuseControlAndInvisibleCharactersAndAreStoredNfc() {
        String injected = "Ada\r\nBcc: x@evil.example";
        String bidi = "Ada \u202Egnp.exe";
        String decomposed = "Zoe\u0301 Ame\u0301lie"; // e + combining acute
        String family = "Ada 👩‍👩‍👧"; // emoji joined by U+200D: allowed

        for (String name : List.of(injected, bidi, "Ada\u0000", "Ada\u200B", "Ada\u2028x")) {
            var refused = api.post("/api/users", null, JSON.writeValueAsString(new SignUp(unique(), name, PASSWORD)));
            assertThat(refused.statusCode()).as(name).isEqualTo(400);
            assertThat(new JsonContent(refused.body()))
                    .extractingPath("$.errors[*].field")
                    .asArray()
                    .containsExactly("name");
        }
        var control = api.post(
                "/api/users", null, JSON.writeValueAsString(new SignUp("a\r\nb@example.com", "Ada", PASSWORD)));
        assertThat(control.statusCode()).isEqualTo(400);
        assertThat(new JsonContent(control.body()))
                .extractingPath("$.errors[*].field")
                .asArray()
                .contains("email");

        // Created by an administrator, who is shown the account.
        String admin = AccessTokens.admin(UUID.randomUUID());
        var nfc = api.post("/api/users", admin, JSON.writeValueAsString(new SignUp(unique(), decomposed, PASSWORD)));
        assertThat(nfc.statusCode()).isEqualTo(201);
        assertThat(new JsonContent(nfc.body()))
                .extractingPath("$.name")
                .asString()
                .isEqualTo("Zoé Amélie");
        var joined = api.post("/api/users", admin, JSON.writeValueAsString(new SignUp(unique(), family, PASSWORD)));
        assertThat(joined.statusCode()).isEqualTo(201);
        UUID id = UUID.fromString(JsonPath.read(joined.body(), "$.id"));
        var renamed = api.patch(
                "/api/users/" + id, AccessTokens.user(id), "\"0\"", JSON.writeValueAsString(new Rename(injected)));
        assertThat(renamed.statusCode()).isEqualTo(400);
    }

    record SignUp(String email, String name, String password) {}

    record Rename(String name) {}

    private boolean verified(String email, String password) {
        var verdict = api.post(
                "/internal/credentials/verify",
                AUTH_SERVICE,
                JSON.writeValueAsString(
                        new Check(email, password, "2001:db8:1::" + Integer.toHexString(email.hashCode() & 0xffff))));
        assertThat(verdict.statusCode()).isEqualTo(200);
        return JsonPath.read(verdict.body(), "$.verified");
    }

    record Check(String email, String password, String address) {}

    private HttpResponse<String> change(UUID id, String token, long version, Change change) {
        String body = JSON.writeValueAsString(change);
        if (change.email() == null && change.password() == null && change.currentPassword() == null) {
            body = "{\"name\": \"Renamed\"}";
        }
        return api.patch("/api/users/" + id, token, "\"" + version + "\"", body);
    }

    private UUID signUp(String email) {
        return signUpVerified(email, "Ada", PASSWORD);
    }

    private static String unique() {
        return "t" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }
}
