package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import dev.meridian.events.EmailChangeCancelled;
import dev.meridian.events.EmailChangeRequested;
import dev.meridian.events.EmailVerificationRequested;
import dev.meridian.events.EmailVerified;
import dev.meridian.events.PasswordResetRequested;
import dev.meridian.events.SignUpWithExistingEmail;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserDeleted;
import dev.meridian.events.UserUpdated;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.json.JsonContent;

/**
 * The account lifecycle through the API as the pages and the mailer use it: the mailer's fetch of a link by the
 * request id an event named stands in for the mail.
 */
@TestPropertySource(properties = "meridian.verification.cleanup-interval=500ms")
@ExtendWith(OutputCaptureExtension.class)
class AccountLifecycleIT extends RunningUserService {

    private static final String PASSWORD = "correct horse battery";
    private static final String NEW_PASSWORD = "a different staple";
    private static final String AUTH_SERVICE = AccessTokens.service("auth-service", "users.credentials.verify");

    // --- sign-up -------------------------------------------------------------------------------------------------

    @Test
    void signUpAnswersTheSameForANewAndARegisteredAddressAndMailsTheOwnerInstead() {
        String email = unique();

        var first = signUp(email, "Ada");
        var second = signUp("  " + email.toUpperCase() + " ", "Mallory");

        assertThat(second.statusCode()).isEqualTo(first.statusCode()).isEqualTo(202);
        assertThat(second.body()).isEqualTo(first.body()).contains("\"status\":\"verification-pending\"");
        assertThat(second.headers().firstValue("Location")).isEmpty();
        UUID id = accountId(email);
        assertThat(jdbc.sql("select count(*) from users where email = ?")
                        .param(email)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(events(id))
                .containsExactly(UserCreated.TYPE, EmailVerificationRequested.TYPE, SignUpWithExistingEmail.TYPE);
        assertThat(payload(id, UserCreated.TYPE)).contains("\"emailVerified\":false");
        assertThat(payload(id, SignUpWithExistingEmail.TYPE)).doesNotContain("Mallory", PASSWORD);
        // Signing up again and again with the address tells its owner once an hour, and answers the same.
        var third = signUp(email, "Mallory");
        assertThat(third.statusCode()).isEqualTo(202);
        assertThat(third.body()).isEqualTo(first.body());
        assertThat(events(id).stream().filter(SignUpWithExistingEmail.TYPE::equals))
                .hasSize(1);
        // An administrator, who may list every account anyway, is still told.
        assertThat(api.post("/api/users", AccessTokens.admin(UUID.randomUUID()), body(email, "Eve", PASSWORD))
                        .statusCode())
                .isEqualTo(409);
    }

    // --- verification --------------------------------------------------------------------------------------------

    @Test
    void theMailedLinkVerifiesOnceAndIsNeverStoredOrSentOrLogged(CapturedOutput output) {
        String email = unique();
        signUp(email, "Ada");
        UUID id = accountId(email);
        String requestId = requestId(id, EmailVerificationRequested.TYPE, "requestId");

        String mail = mailLink(requestId);
        String token = token(mail);
        String code = JsonPath.read(mail, "$.code");

        assertThat(new JsonContent(mail))
                .extractingPath("$.link")
                .asString()
                .startsWith("http://localhost:8080/account/verify?token=");
        assertThat(code).matches("[0-9]{6}");
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(verifyToken(token).statusCode()).isEqualTo(204);
        assertThat(api.get("/api/users/me", AccessTokens.user(id)).body()).contains("\"emailVerified\":true");
        assertThat(events(id)).contains(EmailVerified.TYPE);
        var reused = verifyToken(token);
        assertInvalidLink(reused);
        assertThat(api.post("/internal/mail-links", MAILER, "{\"requestId\": \"" + requestId + "\"}")
                        .statusCode())
                .isEqualTo(410);
        // The secrets live in the mail only: not in any event, not in the request table, not in the log.
        assertThat(jdbc.sql("select payload from outbox where user_id = ?")
                        .param(id)
                        .query(String.class)
                        .list())
                .noneMatch(event -> event.contains(token) || event.contains("\"" + code + "\""));
        assertThat(jdbc.sql("select concat(token_hash, ' ', code_hash) from one_time_requests where user_id = ?")
                        .param(id)
                        .query(String.class)
                        .single())
                .doesNotContain(token);
        assertThat(output.getAll()).doesNotContain(token);
    }

    @Test
    void forgedExpiredAndSupersededLinksGetOneAnswer() {
        String email = unique();
        signUp(email, "Ada");
        UUID id = accountId(email);
        String requestId = requestId(id, EmailVerificationRequested.TYPE, "requestId");
        String superseded = token(mailLink(requestId));
        String last = token(mailLink(requestId));

        var forged = verifyToken("A".repeat(43));
        assertInvalidLink(forged);
        assertInvalidLink(verifyToken(superseded));
        assertThat(new JsonContent(verifyToken(superseded).body()))
                .extractingPath("$.detail")
                .asString()
                .isEqualTo(JsonPath.read(forged.body(), "$.detail"));
        jdbc.sql("update one_time_requests set expires_at = now() - interval '1 second' where id = ?::uuid")
                .param(requestId)
                .update();
        assertInvalidLink(verifyToken(last));
        assertThat(api.post("/internal/mail-links", MAILER, "{\"requestId\": \"" + requestId + "\"}")
                        .statusCode())
                .isEqualTo(410);
        assertThat(api.post("/internal/mail-links", MAILER, "{\"requestId\": \"" + UUID.randomUUID() + "\"}")
                        .statusCode())
                .isEqualTo(410);
        assertThat(api.get("/api/users/me", AccessTokens.user(id)).body()).contains("\"emailVerified\":false");
    }

    @Test
    void theCodeWorksOnlyForItsAddressAndFiveWrongOnesKillTheRequest() {
        String ada = unique();
        String bob = unique();
        signUp(ada, "Ada");
        signUp(bob, "Bob");
        String adaCode = JsonPath.read(
                mailLink(requestId(accountId(ada), EmailVerificationRequested.TYPE, "requestId")), "$.code");
        String bobMail = mailLink(requestId(accountId(bob), EmailVerificationRequested.TYPE, "requestId"));
        String bobCode = JsonPath.read(bobMail, "$.code");

        // Another user's code (unless the two happen to be equal) does not verify Bob.
        if (!adaCode.equals(bobCode)) {
            assertInvalidLink(verifyCode(bob, adaCode));
        }
        assertThat(verifyCode(ada, adaCode).statusCode()).isEqualTo(204);

        String wrong = bobCode.equals("000000") ? "111111" : "000000";
        for (int attempt = adaCode.equals(bobCode) ? 0 : 1; attempt < 5; attempt++) {
            assertInvalidLink(verifyCode(bob, wrong));
        }
        assertInvalidLink(verifyCode(bob, bobCode));
        assertInvalidLink(verifyToken(token(bobMail)));
        assertThat(api.get("/api/users/me", AccessTokens.user(accountId(bob))).body())
                .contains("\"emailVerified\":false");
    }

    @Test
    void askingAgainIsThrottledWithRetryAfterAndRefusedOnceVerified() {
        String email = unique();
        signUp(email, "Ada");
        UUID id = accountId(email);

        // The sign-up's own mail counts: the per-minute limit is reached.
        var throttled = api.post("/api/users/me/email-verification", AccessTokens.user(id), null);

        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After"))
                .hasValueSatisfying(
                        seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
        assertThat(throttled.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        jdbc.sql("update one_time_requests set created_at = created_at - interval '2 minutes' where user_id = ?")
                .param(id)
                .update();
        var again = api.post("/api/users/me/email-verification", AccessTokens.user(id), null);
        assertThat(again.statusCode()).isEqualTo(202);
        String newest = requestId(id, EmailVerificationRequested.TYPE, "requestId");
        assertThat(verifyToken(token(mailLink(newest))).statusCode()).isEqualTo(204);
        var verified = api.post("/api/users/me/email-verification", AccessTokens.user(id), null);
        assertThat(verified.statusCode()).isEqualTo(409);
    }

    @Test
    void anUnverifiedAccountSignsInAndReadsButDoesNotChangeItsProfile() {
        String email = unique();
        signUp(email, "Ada");
        UUID id = accountId(email);

        var verdict = verifyCredentials(email, PASSWORD);
        assertThat(new JsonContent(verdict.body()))
                .extractingPath("$.verified")
                .asBoolean()
                .isTrue();
        assertThat(new JsonContent(verdict.body()))
                .extractingPath("$.emailVerified")
                .asBoolean()
                .isFalse();
        assertThat(api.get("/api/users/me", AccessTokens.user(id)).statusCode()).isEqualTo(200);
        var rename = api.patch("/api/users/" + id, AccessTokens.user(id), "\"0\"", "{\"name\": \"Eve\"}");
        assertThat(rename.statusCode()).isEqualTo(403);
        assertThat(new JsonContent(rename.body()))
                .extractingPath("$.type")
                .asString()
                .endsWith("/problems/email-not-verified");
        var change = emailChange(id, unique(), PASSWORD);
        assertThat(change.statusCode()).isEqualTo(403);
        assertThat(new JsonContent(change.body()))
                .extractingPath("$.type")
                .asString()
                .endsWith("/problems/email-not-verified");
        var standing = api.get("/internal/users/" + id + "/standing", AUTH_SERVICE);
        assertThat(new JsonContent(standing.body()))
                .extractingPath("$.emailVerified")
                .asBoolean()
                .isFalse();
    }

    // --- mail links ----------------------------------------------------------------------------------------------

    @Test
    void onlyTheMailerMayFetchLinks() {
        String body = "{\"requestId\": \"" + UUID.randomUUID() + "\"}";

        assertThat(api.post("/internal/mail-links", null, body).statusCode()).isEqualTo(401);
        assertThat(api.post("/internal/mail-links", AUTH_SERVICE, body).statusCode())
                .isEqualTo(403);
        assertThat(api.post("/internal/mail-links", AccessTokens.admin(UUID.randomUUID()), body)
                        .statusCode())
                .isEqualTo(403);
        assertThat(api.post("/internal/mail-links", MAILER, body).statusCode()).isEqualTo(410);
    }

    // --- password reset ------------------------------------------------------------------------------------------

    @Test
    void resetAnswersTheSameForEveryAddressAndMailsOnlyAnAccount() {
        String email = unique();
        UUID id = signUpVerified(email, "Ada", PASSWORD);
        long resetsBefore = count(PasswordResetRequested.TYPE);

        var known = requestReset(email);
        var unknown = requestReset(unique());

        assertThat(unknown.statusCode()).isEqualTo(known.statusCode()).isEqualTo(202);
        assertThat(unknown.body()).isEqualTo(known.body()).contains("\"status\":\"reset-requested\"");
        assertThat(count(PasswordResetRequested.TYPE)).isEqualTo(resetsBefore + 1);
        assertThat(payload(id, PasswordResetRequested.TYPE)).contains(id.toString());
        // Three mails an hour per account; beyond that the same answer and no mail.
        requestReset(email);
        requestReset(email);
        var fourth = requestReset(email);
        assertThat(fourth.statusCode()).isEqualTo(202);
        assertThat(fourth.body()).isEqualTo(known.body());
        assertThat(count(PasswordResetRequested.TYPE)).isEqualTo(resetsBefore + 3);
    }

    @Test
    void aResetLinkSetsAPasswordUnderThePolicyOnceAndEndsTheOthers(CapturedOutput output) {
        String email = unique();
        UUID id = signUpVerified(email, "Ada", PASSWORD);
        requestReset(email);
        String older = token(mailLink(requestId(id, PasswordResetRequested.TYPE, "requestId")));
        jdbc.sql("update one_time_requests set created_at = created_at - interval '1 minute' where user_id = ?")
                .param(id)
                .update();
        requestReset(email);
        String mail = mailLink(requestId(id, PasswordResetRequested.TYPE, "requestId"));
        String token = token(mail);
        assertThat(new JsonContent(mail))
                .extractingPath("$.link")
                .asString()
                .contains("/account/reset-password?token=");
        assertThat(new JsonContent(mail)).extractingPath("$.code").isNull();

        var tooShort = confirmReset(token, "short");
        assertThat(tooShort.statusCode()).isEqualTo(400);
        assertThat(new JsonContent(tooShort.body()))
                .extractingPath("$.errors[*].field")
                .asArray()
                .containsExactly("password");
        var theEmail = confirmReset(token, email.toUpperCase());
        assertThat(theEmail.statusCode()).isEqualTo(400);
        assertThat(new JsonContent(theEmail.body()))
                .extractingPath("$.errors[*].field")
                .asArray()
                .containsExactly("password");
        assertInvalidLink(confirmReset(older, NEW_PASSWORD));
        assertInvalidLink(confirmReset("forged-" + token.substring(7), NEW_PASSWORD));

        assertThat(confirmReset(token, NEW_PASSWORD).statusCode()).isEqualTo(204);

        assertInvalidLink(confirmReset(token, "yet another password"));
        assertThat(new JsonContent(verifyCredentials(email, NEW_PASSWORD).body()))
                .extractingPath("$.verified")
                .asBoolean()
                .isTrue();
        assertThat(new JsonContent(verifyCredentials(email, PASSWORD).body()))
                .extractingPath("$.verified")
                .asBoolean()
                .isFalse();
        String updated = payload(id, UserUpdated.TYPE);
        assertThat(updated).contains("\"changed\":[\"password\"]", "\"actorTokenId\":null");
        assertThat(updated).doesNotContain(NEW_PASSWORD, token);
        assertThat(output.getAll()).doesNotContain(token, NEW_PASSWORD);
    }

    @Test
    void ofTwoConcurrentUsesOfOneLinkOnlyOneSucceeds() throws Exception {
        String email = unique();
        signUp(email, "Ada");
        String token = token(mailLink(requestId(accountId(email), EmailVerificationRequested.TYPE, "requestId")));
        var barrier = new java.util.concurrent.CyclicBarrier(2);
        java.util.function.Supplier<Integer> use = () -> {
            try {
                barrier.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return verifyToken(token).statusCode();
        };

        var first = java.util.concurrent.CompletableFuture.supplyAsync(use);
        var second = java.util.concurrent.CompletableFuture.supplyAsync(use);

        assertThat(List.of(first.get(), second.get())).containsExactlyInAnyOrder(204, 400);
        assertThat(events(accountId(email)).stream().filter(EmailVerified.TYPE::equals))
                .hasSize(1);
    }

    @Test
    void aDeactivatedAccountGetsTheSameAnswerAndNoResetMail() {
        String email = unique();
        UUID id = signUpVerified(email, "Ada", PASSWORD);
        api.post("/api/users/" + id + "/deactivate", AccessTokens.user(id), null);

        var response = requestReset(email);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(events(id)).doesNotContain(PasswordResetRequested.TYPE);
    }

    @Test
    void anExpiredResetLinkIsInvalidAndLeavesThePassword() {
        String email = unique();
        UUID id = signUpVerified(email, "Ada", PASSWORD);
        requestReset(email);
        String requestId = requestId(id, PasswordResetRequested.TYPE, "requestId");
        String token = token(mailLink(requestId));
        jdbc.sql("update one_time_requests set expires_at = now() - interval '1 second' where id = ?::uuid")
                .param(requestId)
                .update();

        assertInvalidLink(confirmReset(token, NEW_PASSWORD));
        assertThat(new JsonContent(verifyCredentials(email, PASSWORD).body()))
                .extractingPath("$.verified")
                .asBoolean()
                .isTrue();
    }

    // --- email change --------------------------------------------------------------------------------------------

    @Test
    void aNewAddressAppliesOnlyOnceConfirmedThere() {
        String email = unique();
        String newEmail = unique();
        UUID id = signUpVerified(email, "Ada", PASSWORD);

        var wrongPassword = emailChange(id, newEmail, "not the password at all");
        assertThat(wrongPassword.statusCode()).isEqualTo(403);
        var viaPatch = api.patch("/api/users/" + id, AccessTokens.user(id), "\"1\"", """
                {"email": "%s", "currentPassword": "%s"}""".formatted(newEmail, PASSWORD));
        assertThat(viaPatch.statusCode()).isEqualTo(400);
        assertThat(new JsonContent(viaPatch.body()))
                .extractingPath("$.type")
                .asString()
                .endsWith("/problems/email-change-needs-confirmation");

        assertThat(emailChange(id, newEmail, PASSWORD).statusCode()).isEqualTo(202);
        assertThat(api.get("/api/users/me", AccessTokens.user(id)).body()).contains(email);
        String requested = payload(id, EmailChangeRequested.TYPE);
        assertThat(requested).contains(email, newEmail);
        String confirm = token(mailLink(JsonPath.read(requested, "$.confirmRequestId")));
        String cancelMail = mailLink(JsonPath.read(requested, "$.cancelRequestId"));
        assertThat(new JsonContent(cancelMail))
                .extractingPath("$.link")
                .asString()
                .contains("/account/email-change/cancel?token=");
        assertInvalidLink(confirmEmailChange(token(cancelMail)));

        assertThat(confirmEmailChange(confirm).statusCode()).isEqualTo(204);

        var me = api.get("/api/users/me", AccessTokens.user(id)).body();
        assertThat(me).contains(newEmail, "\"emailVerified\":true");
        assertThat(payload(id, UserUpdated.TYPE)).contains("\"previousEmail\":\"" + email + "\"");
        assertInvalidLink(confirmEmailChange(confirm));
    }

    @Test
    void anAddressTakenMeanwhileIsAConflictAtConfirmationNotBefore() {
        String taken = unique();
        UUID id = signUpVerified(unique(), "Ada", PASSWORD);
        signUpVerified(taken, "Bob", PASSWORD);

        assertThat(emailChange(id, taken, PASSWORD).statusCode()).isEqualTo(202);
        String confirm = token(mailLink(requestId(id, EmailChangeRequested.TYPE, "confirmRequestId")));

        var conflict = confirmEmailChange(confirm);
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(conflict.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void thisWasntMeCancelsTheChangeAndLocksChangesUntilAPasswordReset() {
        String email = unique();
        UUID id = signUpVerified(email, "Ada", PASSWORD);
        emailChange(id, unique(), PASSWORD);
        String requested = payload(id, EmailChangeRequested.TYPE);
        String confirm = token(mailLink(JsonPath.read(requested, "$.confirmRequestId")));
        String cancel = token(mailLink(JsonPath.read(requested, "$.cancelRequestId")));

        assertThat(api.post("/api/users/email-change/cancel", null, "{\"token\": \"" + cancel + "\"}")
                        .statusCode())
                .isEqualTo(204);

        assertThat(events(id)).contains(EmailChangeCancelled.TYPE);
        assertInvalidLink(confirmEmailChange(confirm));
        var locked = emailChange(id, unique(), PASSWORD);
        assertThat(locked.statusCode()).isEqualTo(423);
        assertThat(new JsonContent(locked.body()))
                .extractingPath("$.type")
                .asString()
                .endsWith("/problems/email-change-locked");
        requestReset(email);
        String reset = token(mailLink(requestId(id, PasswordResetRequested.TYPE, "requestId")));
        assertThat(confirmReset(reset, NEW_PASSWORD).statusCode()).isEqualTo(204);
        assertThat(emailChange(id, unique(), NEW_PASSWORD).statusCode()).isEqualTo(202);
    }

    // --- never-verified accounts ---------------------------------------------------------------------------------

    @Test
    void accountsNeverVerifiedWithinTheSettingAreRemovedWithAnEvent() {
        String stale = unique();
        String fresh = unique();
        signUp(stale, "Stale");
        signUp(fresh, "Fresh");
        UUID staleId = accountId(stale);
        UUID freshId = accountId(fresh);
        UUID verifiedId = signUpVerified(unique(), "Verified", PASSWORD);
        jdbc.sql("update users set created_at = now() - interval '4 days' where id in (?, ?)")
                .param(staleId)
                .param(verifiedId)
                .update();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql("select count(*) from users where id = ?")
                                .param(staleId)
                                .query(Long.class)
                                .single()
                        == 0);

        assertThat(payload(staleId, UserDeleted.TYPE)).contains("\"reason\":\"never-verified\"");
        assertThat(api.get("/api/users/" + freshId, AccessTokens.user(freshId)).statusCode())
                .isEqualTo(200);
        assertThat(api.get("/api/users/" + verifiedId, AccessTokens.user(verifiedId))
                        .statusCode())
                .isEqualTo(200);
        assertThat(api.get("/api/users/" + staleId, AccessTokens.admin(UUID.randomUUID()))
                        .statusCode())
                .isEqualTo(404);
    }

    // -------------------------------------------------------------------------------------------------------------

    private HttpResponse<String> signUp(String email, String name) {
        return api.post("/api/users", null, body(email, name, PASSWORD));
    }

    private static String body(String email, String name, String password) {
        return """
                {"email": "%s", "name": "%s", "password": "%s"}""".formatted(email, name, password);
    }

    private HttpResponse<String> verifyToken(String token) {
        return api.post("/api/users/email-verification", null, "{\"token\": \"" + token + "\"}");
    }

    private HttpResponse<String> verifyCode(String email, String code) {
        return api.post(
                "/api/users/email-verification", null, "{\"email\": \"" + email + "\", \"code\": \"" + code + "\"}");
    }

    private HttpResponse<String> requestReset(String email) {
        return api.post("/api/users/password-reset", null, "{\"email\": \"" + email + "\"}");
    }

    private HttpResponse<String> confirmReset(String token, String password) {
        return api.post(
                "/api/users/password-reset/confirm",
                null,
                "{\"token\": \"" + token + "\", \"password\": \"" + password + "\"}");
    }

    private HttpResponse<String> emailChange(UUID id, String email, String currentPassword) {
        return api.post(
                "/api/users/me/email-change",
                AccessTokens.user(id),
                "{\"email\": \"" + email + "\", \"currentPassword\": \"" + currentPassword + "\"}");
    }

    private HttpResponse<String> confirmEmailChange(String token) {
        return api.post("/api/users/email-change/confirm", null, "{\"token\": \"" + token + "\"}");
    }

    private HttpResponse<String> verifyCredentials(String email, String password) {
        return api.post(
                "/internal/credentials/verify",
                AUTH_SERVICE,
                "{\"email\": \"" + email + "\", \"password\": \"" + password + "\"}");
    }

    private static void assertInvalidLink(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonContent(response.body()))
                .extractingPath("$.type")
                .asString()
                .endsWith("/problems/invalid-link");
    }

    private List<String> events(UUID userId) {
        return jdbc.sql("select type from outbox where user_id = ? order by id")
                .param(userId)
                .query(String.class)
                .list();
    }

    private String payload(UUID userId, String type) {
        return jdbc.sql("select payload from outbox where user_id = ? and type = ? order by id desc limit 1")
                .param(userId)
                .param(type)
                .query(String.class)
                .single();
    }

    private long count(String type) {
        return jdbc.sql("select count(*) from outbox where type = ?")
                .param(type)
                .query(Long.class)
                .single();
    }

    private static String unique() {
        return UUID.randomUUID() + "@example.com";
    }
}
