package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.events.EmailVerificationRequested;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.json.JsonContent;

/**
 * The settings for products that prefer the older answers: sign-up tells a registered address ({@code 409}) and
 * shows a new account ({@code 201}); an unverified account may not sign in.
 */
@TestPropertySource(
        properties = {"meridian.sign-up.reveal-existing-email=true", "meridian.verification.required-for-sign-in=true"})
class RevealingSignUpIT extends RunningUserService {

    private static final String PASSWORD = "correct horse battery";
    private static final String AUTH_SERVICE = AccessTokens.service("auth-service", "users.credentials.verify");

    @Test
    void signUpAnswers201WithTheAccountAnd409ForARegisteredAddress() {
        String email = UUID.randomUUID() + "@example.com";

        var created = api.post("/api/users", null, body(email));
        var duplicate = api.post("/api/users", null, body(email.toUpperCase()));

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).isPresent();
        assertThat(new JsonContent(created.body()))
                .extractingPath("$.emailVerified")
                .asBoolean()
                .isFalse();
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(new JsonContent(duplicate.body()))
                .extractingPath("$.title")
                .asString()
                .isEqualTo("Email already taken");
    }

    @Test
    void anUnverifiedAccountIsRefusedAtSignInUntilItVerifies() {
        String email = UUID.randomUUID() + "@example.com";
        api.post("/api/users", null, body(email));

        var unverified = verify(email);
        assertThat(new JsonContent(unverified))
                .extractingPath("$.verified")
                .asBoolean()
                .isFalse();
        assertThat(new JsonContent(unverified))
                .extractingPath("$.emailVerified")
                .asBoolean()
                .isFalse();

        String token = token(mailLink(requestId(accountId(email), EmailVerificationRequested.TYPE, "requestId")));
        api.post("/api/users/email-verification", null, "{\"token\": \"" + token + "\"}");
        var verified = verify(email);
        assertThat(new JsonContent(verified))
                .extractingPath("$.verified")
                .asBoolean()
                .isTrue();
        assertThat(new JsonContent(verified))
                .extractingPath("$.emailVerified")
                .asBoolean()
                .isTrue();
    }

    private String verify(String email) {
        return api.post(
                        "/internal/credentials/verify",
                        AUTH_SERVICE,
                        "{\"email\": \"" + email + "\", \"password\": \"" + PASSWORD + "\"}")
                .body();
    }

    private static String body(String email) {
        return """
                {"email": "%s", "name": "Ada", "password": "%s"}""".formatted(email, PASSWORD);
    }
}
