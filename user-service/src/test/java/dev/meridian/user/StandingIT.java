package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.json.JsonContent;

/** Contract C2: auth-service re-reads an account's status and roles, with its own service token. */
class StandingIT extends RunningUserService {

    private static final String AUTH_SERVICE = AccessTokens.service("auth-service", "users.credentials.verify");

    @Test
    void onlyAServiceTokenWithTheVerifyScopeMayAsk() {
        UUID ada = signUp();

        var anonymous = api.get(standing(ada), null);
        var user = api.get(standing(ada), AccessTokens.user(ada));
        var admin = api.get(standing(ada), AccessTokens.admin(UUID.randomUUID()));
        var otherScope = api.get(standing(ada), AccessTokens.service("partner", "users.read"));

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(admin.statusCode()).isEqualTo(403);
        assertThat(otherScope.statusCode()).isEqualTo(403);
        assertThat(admin.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void answersStatusAndRolesAndFollowsADeactivation() {
        UUID ada = signUp();

        var active = api.get(standing(ada), AUTH_SERVICE);
        api.post("/api/users/" + ada + "/deactivate", AccessTokens.user(ada), null);
        var deactivated = api.get(standing(ada), AUTH_SERVICE);

        assertThat(active.statusCode()).isEqualTo(200);
        assertThat(new JsonContent(active.body()))
                .extractingPath("$.userId")
                .asString()
                .isEqualTo(ada.toString());
        assertThat(new JsonContent(active.body()))
                .extractingPath("$.status")
                .asString()
                .isEqualTo("ACTIVE");
        assertThat(new JsonContent(active.body()))
                .extractingPath("$.roles")
                .asArray()
                .containsExactly("USER");
        assertThat(new JsonContent(deactivated.body()))
                .extractingPath("$.status")
                .asString()
                .isEqualTo("DEACTIVATED");
        assertThat(new JsonContent(active.body()))
                .extractingPath("$.emailVerified")
                .asBoolean()
                .isFalse();
        assertThat(active.body()).doesNotContain("@example.com", "password");
    }

    @Test
    void anUnknownAccountIsA404Problem() {
        var unknown = api.get(standing(UUID.randomUUID()), AUTH_SERVICE);

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(api.get("/internal/users/not-a-uuid/standing", AUTH_SERVICE).statusCode())
                .isEqualTo(400);
    }

    private static String standing(UUID id) {
        return "/internal/users/" + id + "/standing";
    }

    private UUID signUp() {
        String email = "s" + UUID.randomUUID() + "@example.com";
        var created = api.post("/api/users", null, """
                {"email": "%s", "name": "Ada", "password": "correct horse battery"}""".formatted(email));
        assertThat(created.statusCode()).isEqualTo(202);
        return accountId(email);
    }
}
