package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.json.JsonContent;

class CredentialsIT extends RunningUserService {

    private static final String PASSWORD = "correct horse battery";
    private static final String AUTH_SERVICE = AccessTokens.service("auth-service", "users.credentials.verify");

    @Test
    void theRightPasswordOfAnActiveUserIsVerifiedWithIdAndRoles() {
        String email = unique();
        String id = signUp(email);

        var verdict = verify(AUTH_SERVICE, "  " + email.toUpperCase(), PASSWORD);

        assertThat(verdict.statusCode()).isEqualTo(200);
        assertThat(new JsonContent(verdict.body()))
                .extractingPath("$.verified")
                .asBoolean()
                .isTrue();
        assertThat(new JsonContent(verdict.body()))
                .extractingPath("$.userId")
                .asString()
                .isEqualTo(id);
        assertThat(new JsonContent(verdict.body()))
                .extractingPath("$.roles")
                .asArray()
                .containsExactly("USER");
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
        assertThat(new JsonContent(wrongPassword.body()))
                .extractingPath("$.verified")
                .asBoolean()
                .isFalse();
    }

    @Test
    void aDeactivatedAccountIsNotVerified() {
        String email = unique();
        String id = signUp(email);
        api.post("/api/users/" + id + "/deactivate", AccessTokens.user(UUID.fromString(id)), null);

        var verdict = verify(AUTH_SERVICE, email, PASSWORD);

        assertThat(new JsonContent(verdict.body()))
                .extractingPath("$.verified")
                .asBoolean()
                .isFalse();
        assertThat(new JsonContent(verdict.body()))
                .extractingPath("$.status")
                .asString()
                .isEqualTo("DEACTIVATED");
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
    void withoutAnAddressRepeatedFailuresLockTheEmailEvenAgainstTheRightPasswordWhetherOrNotItExists() {
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
        // The same problem, but for the trace id of each request.
        assertThat(lockedExisting.body().replaceAll("\"traceId\":\"[0-9a-f]+\"", ""))
                .isEqualTo(lockedUnknown.body().replaceAll("\"traceId\":\"[0-9a-f]+\"", ""));
    }

    @Test
    void twentyWrongGuessesFromOneAddressDoNotLockTheOwnerOutFromAnother() {
        String victim = unique();
        signUp(victim);
        String attacker = address();
        String owner = address();

        for (int guess = 0; guess < 20; guess++) {
            verify(AUTH_SERVICE, victim, "wrong password " + guess, attacker);
        }
        var fromOwner = verify(AUTH_SERVICE, victim, PASSWORD, owner);
        var fromAttacker = verify(AUTH_SERVICE, victim, PASSWORD, attacker);

        assertThat(fromOwner.statusCode()).isEqualTo(200);
        assertThat(new JsonContent(fromOwner.body()))
                .extractingPath("$.verified")
                .asBoolean()
                .isTrue();
        assertThat(fromAttacker.statusCode()).isEqualTo(429);
        assertThat(fromAttacker.headers().firstValue("Retry-After"))
                .hasValueSatisfying(
                        seconds -> assertThat(Long.parseLong(seconds)).isPositive());
        assertThat(fromAttacker.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void hammeringThroughALockLengthensTheAttackersLockOnly() {
        String victim = unique();
        signUp(victim);
        String attacker = address();

        for (int guess = 0; guess < 12; guess++) {
            verify(AUTH_SERVICE, victim, "wrong password " + guess, attacker);
        }
        var locked = verify(AUTH_SERVICE, victim, PASSWORD, attacker);

        // Five failures lock for 1 s; each refused attempt doubles it: well past a minute after a dozen.
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow()))
                .isGreaterThan(60);
        assertThat(new JsonContent(
                        verify(AUTH_SERVICE, victim, PASSWORD, address()).body()))
                .extractingPath("$.verified")
                .asBoolean()
                .isTrue();
    }

    @Test
    void oneAddressGuessingManyAccountsIsLockedForEveryEmail() {
        String sprayer = address();
        for (int account = 0; account < 55; account++) {
            verify(AUTH_SERVICE, unique(), "wrong password", sprayer);
        }
        String someone = unique();
        signUp(someone);

        var fromSprayer = verify(AUTH_SERVICE, someone, PASSWORD, sprayer);
        var fromElsewhere = verify(AUTH_SERVICE, someone, PASSWORD, address());

        assertThat(fromSprayer.statusCode()).isEqualTo(429);
        assertThat(fromElsewhere.statusCode()).isEqualTo(200);
        assertThat(new JsonContent(fromElsewhere.body()))
                .extractingPath("$.verified")
                .asBoolean()
                .isTrue();
    }

    @Test
    void malformedChecksAre400() {
        assertThat(api.post("/internal/credentials/verify", AUTH_SERVICE, "{\"email\": \"\"}")
                        .statusCode())
                .isEqualTo(400);
    }

    /** As an old auth-service asks: without the client's address. */
    private HttpResponse<String> verify(String token, String email, String password) {
        return api.post("/internal/credentials/verify", token, """
                {"email": "%s", "password": "%s"}""".formatted(email, password));
    }

    private HttpResponse<String> verify(String token, String email, String password, String address) {
        return api.post("/internal/credentials/verify", token, """
                {"email": "%s", "password": "%s", "address": "%s"}""".formatted(email, password, address));
    }

    /** A documentation address (RFC 3849) of its own: counters in the shared Redis outlive a test run. */
    private static String address() {
        UUID random = UUID.randomUUID();
        return "2001:db8:%x:%x::%x"
                .formatted(
                        random.getMostSignificantBits() & 0xffff,
                        (random.getMostSignificantBits() >>> 16) & 0xffff,
                        random.getLeastSignificantBits() & 0xffff);
    }

    private String signUp(String email) {
        var response = api.post("/api/users", null, """
                {"email": "%s", "name": "Ada", "password": "%s"}""".formatted(email, PASSWORD));
        assertThat(response.statusCode()).isEqualTo(202);
        return accountId(email).toString();
    }

    private static String unique() {
        return "c" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }
}
