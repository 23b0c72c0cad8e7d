package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CredentialsIT extends RunningUserService {

    private static final String PASSWORD = "correct horse battery";
    private static final String AUTH_SERVICE = AccessTokens.service("auth-service", "users.credentials.verify");

    @Test
    void theRightPasswordOfAnActiveUserIsVerifiedWithIdAndRoles() {
        String email = unique();
        String id = signUp(email);

        var verdict = verify(AUTH_SERVICE, "  " + email.toUpperCase(), PASSWORD);

        assertThat(verdict.statusCode()).isEqualTo(200);
        assertThat((Boolean) JsonPath.read(verdict.body(), "$.verified")).isTrue();
        assertThat((String) JsonPath.read(verdict.body(), "$.userId")).isEqualTo(id);
        assertThat((List<String>) JsonPath.read(verdict.body(), "$.roles")).containsExactly("USER");
        assertThat(verdict.body()).doesNotContain("password", "$2a$");
    }

    @Test
    void aWrongPasswordAndAnUnknownEmailGetTheSameAnswer() {
        String email = unique();
        signUp(email);

        var wrongPassword = verify(AUTH_SERVICE, email, "not the password at all");
        var unknownEmail = verify(AUTH_SERVICE, unique(), PASSWORD);

        assertThat(wrongPassword.statusCode())
                .isEqualTo(unknownEmail.statusCode())
                .isEqualTo(200);
        assertThat(wrongPassword.body()).isEqualTo(unknownEmail.body());
        assertThat((Boolean) JsonPath.read(wrongPassword.body(), "$.verified")).isFalse();
    }

    @Test
    void aDeactivatedAccountIsNotVerified() {
        String email = unique();
        String id = signUp(email);
        api.post("/api/users/" + id + "/deactivate", AccessTokens.user(UUID.fromString(id)), null);

        var verdict = verify(AUTH_SERVICE, email, PASSWORD);

        assertThat((Boolean) JsonPath.read(verdict.body(), "$.verified")).isFalse();
        assertThat((String) JsonPath.read(verdict.body(), "$.status")).isEqualTo("DEACTIVATED");
    }

    @Test
    void onlyAServiceTokenWithTheVerifyScopeMayAsk() {
        assertThat(verify(null, unique(), PASSWORD).statusCode()).isEqualTo(401);
        assertThat(verify(AccessTokens.user(UUID.randomUUID()), unique(), PASSWORD)
                        .statusCode())
                .isEqualTo(403);
        assertThat(verify(AccessTokens.service("partner", "users.read"), unique(), PASSWORD)
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void repeatedFailuresLockTheEmailEvenAgainstTheRightPasswordWhetherOrNotItExists() {
        String existing = unique();
        signUp(existing);
        String unknown = unique();

        for (int attempt = 0; attempt < 5; attempt++) {
            verify(AUTH_SERVICE, existing, "wrong password " + attempt);
            verify(AUTH_SERVICE, unknown, "wrong password " + attempt);
        }
        var lockedExisting = verify(AUTH_SERVICE, existing, PASSWORD);
        var lockedUnknown = verify(AUTH_SERVICE, unknown, PASSWORD);

        assertThat(lockedExisting.statusCode())
                .isEqualTo(lockedUnknown.statusCode())
                .isEqualTo(429);
        assertThat(lockedExisting.headers().firstValue("Retry-After")).isPresent();
        assertThat(lockedExisting.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(lockedExisting.body()).isEqualTo(lockedUnknown.body());
    }

    @Test
    void malformedChecksAre400() {
        assertThat(api.post("/internal/credentials/verify", AUTH_SERVICE, "{\"email\": \"\"}")
                        .statusCode())
                .isEqualTo(400);
    }

    private HttpResponse<String> verify(String token, String email, String password) {
        return api.post("/internal/credentials/verify", token, """
                {"email": "%s", "password": "%s"}""".formatted(email, password));
    }

    private String signUp(String email) {
        var response = api.post("/api/users", null, """
                {"email": "%s", "name": "Ada", "password": "%s"}""".formatted(email, PASSWORD));
        assertThat(response.statusCode()).isEqualTo(201);
        return JsonPath.read(response.body(), "$.id");
    }

    private static String unique() {
        return "c" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }
}
