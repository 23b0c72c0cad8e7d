package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

@TestPropertySource(
        properties = {
            "meridian.users.first-admin.email=root@example.com",
            "meridian.users.first-admin.password=the first admin's password"
        })
class FirstAdministratorIT extends RunningUserService {

    private static final String AUTH_SERVICE = AccessTokens.service("auth-service", "users.credentials.verify");

    @Test
    void anEmptyPlatformStartsWithTheConfiguredAdministratorWhoCanSignIn() {
        var verdict = api.post("/internal/credentials/verify", AUTH_SERVICE, """
                {"email": "root@example.com", "password": "the first admin's password"}""");

        assertThat((Boolean) JsonPath.read(verdict.body(), "$.verified")).isTrue();
        assertThat((List<String>) JsonPath.read(verdict.body(), "$.roles")).containsExactly("ADMIN");
        String id = JsonPath.read(verdict.body(), "$.userId");
        var accounts = api.get("/api/users", AccessTokens.admin(UUID.fromString(id)));
        assertThat((List<String>) JsonPath.read(accounts.body(), "$.content[*].email"))
                .as("created once, as an ordinary account")
                .containsExactly("root@example.com");
    }
}
