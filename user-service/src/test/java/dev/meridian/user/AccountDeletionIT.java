package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.meridian.events.SignUpWithExistingEmail;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserDeleted;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.json.JsonContent;

/**
 * Deleting an account (GDPR Art. 17): by its owner after re-authentication, or by an administrator; the row, its
 * secrets and its pending links go, {@code UserDeleted} goes through the outbox with no personal data, and the
 * address can sign up again as a new account.
 */
class AccountDeletionIT extends RunningUserService {

    private static final String PASSWORD = "correct horse battery";

    @Test
    void theOwnerDeletesTheAccountWithTheCurrentPasswordAndTheEventCarriesNoPersonalData() {
        String email = unique();
        UUID ada = signUpVerified(email, "Ada Lovelace", PASSWORD);
        String token = AccessTokens.user(ada);
        assertThat(api.get("/api/users/me", token).statusCode()).isEqualTo(200); // cached now

        var deleted = api.delete("/api/users/me", token, "{\"currentPassword\": \"" + PASSWORD + "\"}");

        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        assertThat(api.get("/api/users/me", token).statusCode()).isEqualTo(404);
        assertThat(api.get("/api/users/" + ada, AccessTokens.admin(UUID.randomUUID()))
                        .statusCode())
                .isEqualTo(404);
        assertThat(rows("select count(*) from users where id = ?", ada)).isZero();
        assertThat(rows("select count(*) from one_time_requests where user_id = ?", ada))
                .isZero();
        JsonContent event = new JsonContent(newest(ada, UserDeleted.TYPE));
        assertThat(event).extractingPath("$.reason").asString().isEqualTo(UserDeleted.SELF);
        assertThat(event).extractingPath("$.actorId").asString().isEqualTo(ada.toString());
        assertThat(event.getJson()).doesNotContain(email, "Ada", PASSWORD, "argon2");
        assertThat(api.post(
                                "/internal/credentials/verify",
                                AccessTokens.service("auth-service", "users.credentials.verify"),
                                "{\"email\": \"" + email + "\", \"password\": \"" + PASSWORD + "\"}")
                        .body())
                .contains("\"verified\":false");
    }

    @Test
    void withoutTheCurrentPasswordOrWithAWrongOneNothingIsDeleted() {
        UUID ada = signUpVerified(unique(), "Ada", PASSWORD);
        String stolen = AccessTokens.user(ada);

        var none = api.delete("/api/users/me", stolen, null);
        var empty = api.delete("/api/users/" + ada, stolen, "{}");
        var wrong = api.delete("/api/users/me", stolen, "{\"currentPassword\": \"a guess at it\"}");

        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonContent(none.body()))
                .extractingPath("$.errors[*].field")
                .asArray()
                .containsExactly("currentPassword");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(rows("select count(*) from users where id = ?", ada)).isOne();
        assertThat(rows("select count(*) from outbox where user_id = ? and type = ?", ada, UserDeleted.TYPE))
                .isZero();
    }

    @Test
    void authServicesPageDeletesForTheOwnerWithTheirPasswordAndOnlyWithItsScope() {
        UUID ada = signUpVerified(unique(), "Ada", PASSWORD);
        String page = AccessTokens.service("auth-service", "users.credentials.verify users.delete");
        String withoutScope = AccessTokens.service("auth-service", "users.credentials.verify");
        String body = "{\"currentPassword\": \"" + PASSWORD + "\"}";

        var noScope = api.post("/internal/users/" + ada + "/deletion", withoutScope, body);
        var asUser = api.post("/internal/users/" + ada + "/deletion", AccessTokens.user(ada), body);
        var wrong = api.post("/internal/users/" + ada + "/deletion", page, "{\"currentPassword\": \"a guess\"}");
        var deleted = api.post("/internal/users/" + ada + "/deletion", page, body);
        var again = api.post("/internal/users/" + ada + "/deletion", page, body);

        assertThat(noScope.statusCode()).isEqualTo(403);
        assertThat(asUser.statusCode()).isEqualTo(403);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(again.statusCode()).isEqualTo(404);
        JsonContent event = new JsonContent(newest(ada, UserDeleted.TYPE));
        assertThat(event).extractingPath("$.reason").asString().isEqualTo(UserDeleted.SELF);
        assertThat(event).extractingPath("$.actorId").asString().isEqualTo(ada.toString());
    }

    @Test
    void anotherUsersAccountIsNotFoundForAUserEvenWithTheirOwnPassword() {
        UUID ada = signUpVerified(unique(), "Ada", PASSWORD);
        UUID mallory = signUpVerified(unique(), "Mallory", PASSWORD);

        var response = api.delete(
                "/api/users/" + ada, AccessTokens.user(mallory), "{\"currentPassword\": \"" + PASSWORD + "\"}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(rows("select count(*) from users where id = ?", ada)).isOne();
    }

    @Test
    void deletingTwiceIsANotFoundProblemAndAnnouncesTheDeletionOnce() {
        UUID ada = signUpVerified(unique(), "Ada", PASSWORD);
        String admin = AccessTokens.admin(UUID.randomUUID());

        var first = api.delete("/api/users/" + ada, admin, null);
        var second = api.delete("/api/users/" + ada, admin, null);
        var byOwner =
                api.delete("/api/users/me", AccessTokens.user(ada), "{\"currentPassword\": \"" + PASSWORD + "\"}");

        assertThat(first.statusCode()).isEqualTo(204);
        assertThat(second.statusCode()).isEqualTo(404);
        assertThat(second.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(byOwner.statusCode()).isEqualTo(404);
        assertThat(rows("select count(*) from outbox where user_id = ? and type = ?", ada, UserDeleted.TYPE))
                .isOne();
    }

    @Test
    void anAdministratorDeletesAnAccountWithoutItsPasswordAndIsNamedAsTheActor() {
        UUID ada = signUpVerified(unique(), "Ada", PASSWORD);
        UUID adminId = UUID.randomUUID();

        var response = api.delete("/api/users/" + ada, AccessTokens.admin(adminId), null);

        assertThat(response.statusCode()).isEqualTo(204);
        JsonContent event = new JsonContent(newest(ada, UserDeleted.TYPE));
        assertThat(event).extractingPath("$.reason").asString().isEqualTo(UserDeleted.ADMINISTRATOR);
        assertThat(event).extractingPath("$.actorId").asString().isEqualTo(adminId.toString());
    }

    @Test
    void aDeletedAddressSignsUpAgainAsANewAccount() {
        String email = unique();
        UUID first = signUpVerified(email, "Ada", PASSWORD);
        assertThat(api.delete("/api/users/me", AccessTokens.user(first), "{\"currentPassword\": \"" + PASSWORD + "\"}")
                        .statusCode())
                .isEqualTo(204);

        UUID again = signUpVerified(email, "Ada again", "another good password");

        assertThat(again).isNotEqualTo(first);
        assertThat(rows("select count(*) from outbox where user_id = ? and type = ?", again, UserCreated.TYPE))
                .isOne();
        assertThat(rows(
                        "select count(*) from outbox where type = ? and payload like ?",
                        SignUpWithExistingEmail.TYPE,
                        "%" + email + "%"))
                .isZero();
    }

    @Test
    void theLastActiveAdministratorIsNotDeleted() {
        String admin = AccessTokens.admin(UUID.randomUUID());
        UUID only = createAdministrator(admin);
        // Other tests' administrators are deactivated for the moment, so this one is the last active one.
        List<UUID> others = jdbc.sql("select id from users where role = 'ADMIN' and status = 'ACTIVE' and id <> ?")
                .param(only)
                .query(UUID.class)
                .list();
        others.forEach(id -> assertThat(api.post("/api/users/" + id + "/deactivate", admin, null)
                        .statusCode())
                .isEqualTo(200));
        try {
            var refused = api.delete("/api/users/" + only, admin, null);

            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(new JsonContent(refused.body()))
                    .extractingPath("$.type")
                    .asString()
                    .endsWith("/problems/last-administrator");
            assertThat(rows("select count(*) from users where id = ?", only)).isOne();

            UUID second = createAdministrator(admin);
            assertThat(api.delete("/api/users/" + only, admin, null).statusCode())
                    .isEqualTo(204);
            assertThat(api.delete("/api/users/" + second, admin, null).statusCode())
                    .isEqualTo(409);
        } finally {
            others.forEach(id -> api.post("/api/users/" + id + "/activate", admin, null));
        }
    }

    private UUID createAdministrator(String admin) {
        var created = api.post("/api/users", admin, """
                {"email": "%s", "name": "Admin", "password": "%s", "role": "ADMIN"}""".formatted(unique(), PASSWORD));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return UUID.fromString(JsonPath.read(created.body(), "$.id"));
    }

    private String newest(UUID userId, String type) {
        return jdbc.sql("select payload from outbox where user_id = ? and type = ? order by id desc limit 1")
                .param(userId)
                .param(type)
                .query(String.class)
                .single();
    }

    private long rows(String sql, Object... params) {
        var query = jdbc.sql(sql);
        for (Object param : params) {
            query = query.param(param);
        }
        return query.query(Long.class).single();
    }

    private static String unique() {
        return "deletion-" + UUID.randomUUID() + "@example.com";
    }
}
