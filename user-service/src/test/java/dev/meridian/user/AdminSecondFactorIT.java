package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The administration routes take an administrator's token only from a sign-in with a second factor (RFC 9470
 * step-up): without it a 403 problem whose challenge names the {@code acr} to sign in with; with it, as before; a user
 * with a second factor is still no administrator.
 */
class AdminSecondFactorIT extends RunningUserService {

    private static final String PASSWORD = "correct horse battery";
    private static final String CHALLENGE = "Bearer error=\"insufficient_user_authentication\","
            + " error_description=\"A sign-in with a second factor is required\", acr_values=\"urn:meridian:acr:mfa\"";

    @Test
    void anAdministratorWithoutASecondFactorIsAskedToStepUpOnTheAdministrationRoutes() {
        UUID ada = signUpVerified(unique() + "@example.com", "Ada", PASSWORD);
        String admin = AccessTokens.adminWithoutSecondFactor(UUID.randomUUID());

        assertStepUp(api.get("/api/users", admin));
        assertStepUp(api.get("/api/users?email=ada", admin));
        assertStepUp(api.get("/api/users?status=ACTIVE", admin));
        assertStepUp(api.post("/api/users/" + ada + "/activate", admin, null));
    }

    @Test
    void anAdministratorWithoutASecondFactorIsAskedToStepUpForAnotherUsersAccount() {
        UUID ada = signUpVerified(unique() + "@example.com", "Ada", PASSWORD);
        String admin = AccessTokens.adminWithoutSecondFactor(UUID.randomUUID());

        assertStepUp(api.get("/api/users/" + ada, admin));
        assertStepUp(api.post("/api/users/" + ada + "/deactivate", admin, null));
        assertStepUp(api.delete("/api/users/" + ada, admin, null));
        assertStepUp(api.post("/api/users", admin, """
                {"email": "%s@example.com", "name": "Root", "password": "%s", "role": "ADMIN"}""".formatted(unique(), PASSWORD)));
        assertThat(api.get("/api/users/" + ada, AccessTokens.user(ada)).statusCode())
                .as("the account is still there and active")
                .isEqualTo(200);
    }

    @Test
    void anAdministratorsOwnAccountNeedsNoSecondFactor() {
        UUID grace = signUpVerified(unique() + "@example.com", "Grace", PASSWORD);

        HttpResponse<String> own = api.get("/api/users/" + grace, AccessTokens.adminWithoutSecondFactor(grace));

        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
    }

    @Test
    void anAdministratorWithASecondFactorIsServed() {
        UUID ada = signUpVerified(unique() + "@example.com", "Ada", PASSWORD);
        String admin = AccessTokens.admin(UUID.randomUUID());

        assertThat(api.get("/api/users?size=1", admin).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/users?email=ada", admin).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/users/" + ada, admin).statusCode()).isEqualTo(200);
        assertThat(api.post("/api/users/" + ada + "/deactivate", admin, null).statusCode())
                .isEqualTo(200);
        HttpResponse<String> activated = api.post("/api/users/" + ada + "/activate", admin, null);
        assertThat(activated.statusCode()).as(activated.body()).isEqualTo(200);
        assertThat(activated.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void aUserWithASecondFactorIsStillRefusedTheAdministrationRoutesWithoutAStepUpChallenge() {
        UUID ada = signUpVerified(unique() + "@example.com", "Ada", PASSWORD);
        String user = AccessTokens.userWithSecondFactor(ada);

        HttpResponse<String> list = api.get("/api/users", user);
        assertThat(list.statusCode()).isEqualTo(403);
        assertThat(list.body()).contains("Only an administrator may list accounts");
        assertThat(list.headers().firstValue("WWW-Authenticate").orElse(""))
                .doesNotContain("insufficient_user_authentication");
        HttpResponse<String> activate = api.post("/api/users/" + ada + "/activate", user, null);
        assertThat(activate.statusCode()).isEqualTo(403);
        assertThat(activate.headers().firstValue("WWW-Authenticate").orElse(""))
                .doesNotContain("insufficient_user_authentication");
        assertThat(api.get("/api/users/" + UUID.randomUUID(), user).statusCode())
                .as("another id: not found, as for any user")
                .isEqualTo(404);
    }

    private static void assertStepUp(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue(CHALLENGE);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body())
                .contains("\"status\":403")
                .contains("second factor")
                .contains("\"traceId\"");
    }

    private static String unique() {
        return "step-up-" + UUID.randomUUID();
    }
}
