package dev.meridian.system;

import static dev.meridian.system.PlatformSmokeIT.PUBLIC_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import dev.meridian.system.NativeAppSignIn.Tokens;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The account lifecycle end to end, as its user lives it: through the gateway of the platform {@link PlatformSmokeIT}
 * starts, reading the mail notification-service sent over real SMTP, following its links in a browser (cookies, CSRF,
 * forms), and checking the outcome, the tokens and the user's audit stream.
 */
class AccountLifecycleIT {

    private static final String PASSWORD = "correct horse battery";
    /** 127.0.0.40 and up: one address per client, apart from {@link IdentityThroughTheGatewayIT}'s. */
    private static final AtomicInteger ADDRESSES = new AtomicInteger(40);

    static final String VERIFICATION_MAIL = MailSubjects.VERIFICATION;
    static final String RESET_MAIL = MailSubjects.RESET;

    @BeforeAll
    static void platform() throws Exception {
        PlatformSmokeIT.startThePlatform();
    }

    @Test
    void aNewAddressIsVerifiedOnceByItsMailedLinkAndTheIdTokenThenSaysSo() throws Exception {
        var app = client();
        String email = Accounts.uniqueEmail("verify");
        HttpResponse<String> signedUp = Accounts.signUp(app, email, "Ada <b>Lovelace</b>", PASSWORD);
        assertThat(signedUp.statusCode()).as(signedUp.body()).isEqualTo(202);

        var mail = Mailbox.await(email, VERIFICATION_MAIL);
        assertThat(mail.html()).contains("Ada &lt;b&gt;Lovelace&lt;/b&gt;").doesNotContain("<b>Lovelace");
        String link = mail.link("/account/verify");
        Tokens before = app.signIn(email, PASSWORD);
        assertThat(claims(before.id())).contains("\"email_verified\":false");

        var browser = app.browser();
        HttpResponse<String> page = browser.open(link);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(browser.open(link).statusCode())
                .as("a GET never uses the link up")
                .isEqualTo(200);
        HttpResponse<String> done = browser.submit(page, Map.of());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);

        HttpResponse<String> again = browser.submit(browser.open(link), Map.of());
        assertThat(again.statusCode())
                .as("the link works once: %s", again.body())
                .isEqualTo(400);
        HttpResponse<String> forged = browser.open("/account/verify?token=" + "A".repeat(43));
        assertThat(browser.submit(forged, Map.of()).statusCode()).isEqualTo(400);

        Tokens after = app.signIn(email, PASSWORD);
        assertThat(claims(after.id())).contains("\"email_verified\":true");
        String userId = JsonPath.read(claims(after.access()), "$.sub");
        String token = link.replaceFirst(".*token=", "");
        assertThat(auditTypes(userId, email, token))
                .contains(
                        "dev.meridian.user.created.v1",
                        "dev.meridian.user.email-verification-requested.v1",
                        "dev.meridian.user.email-verified.v1");
    }

    @Test
    void signingUpWithARegisteredAddressAnswersAsForANewOneAndTellsTheOwnerByMail() throws Exception {
        var app = client();
        String email = Accounts.signUpVerified(app, Accounts.uniqueEmail("twice"), PASSWORD);
        HttpResponse<String> fresh =
                Accounts.signUp(app, Accounts.uniqueEmail("fresh"), "Someone Else", "another long password");

        HttpResponse<String> again = Accounts.signUp(app, email, "Someone Else", "another long password");

        assertThat(again.statusCode()).isEqualTo(fresh.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(fresh.body());
        Mailbox.await(email, MailSubjects.SIGN_UP_ATTEMPT);
        assertThat(app.code(email, "another long password", NativeAppSignIn.verifier()))
                .as("the account is not taken over")
                .isEmpty();
        assertThat(app.signIn(email, PASSWORD).access()).isNotBlank();
    }

    @Test
    void aPasswordResetLinkWorksOnceEndsEverySessionAndAnUnknownAddressGetsTheSameAnswer() throws Exception {
        var app = client();
        String email = Accounts.signUpVerified(app, Accounts.uniqueEmail("reset"), PASSWORD);
        Tokens signedIn = app.signIn(email, PASSWORD);

        var browser = app.browser();
        HttpResponse<String> forgot = browser.open("/account/forgot-password");
        assertThat(forgot.statusCode()).isEqualTo(200);
        HttpResponse<String> known = browser.submit(forgot, Map.of("email", email));
        var stranger = app.browser();
        HttpResponse<String> unknown = stranger.submit(
                stranger.open("/account/forgot-password"), Map.of("email", Accounts.uniqueEmail("nobody")));
        assertThat(known.statusCode()).isEqualTo(unknown.statusCode());

        String link = Mailbox.await(email, RESET_MAIL).link("/account/reset-password");
        String newPassword = "a new and longer passphrase";
        HttpResponse<String> form = browser.open(link);
        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
        HttpResponse<String> tooShort = browser.submit(form, MailSubjects.newPassword("short"));
        assertThat(tooShort.statusCode())
                .as("the policy holds: %s", tooShort.body())
                .isEqualTo(400);
        HttpResponse<String> reset = browser.submit(browser.open(link), MailSubjects.newPassword(newPassword));
        assertThat(reset.statusCode()).as(reset.body()).isIn(200, 302, 303);

        HttpResponse<String> reused =
                browser.submit(browser.open(link), MailSubjects.newPassword("yet another passphrase"));
        assertThat(reused.statusCode()).as("the link works once").isEqualTo(400);
        // The access token first: a refresh tried before auth-service heard of the reset would replace it, and only
        // a session's latest access token goes on the revocation list when the session ends.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(app.send(
                                        app.get("/api/users/me").header("Authorization", "Bearer " + signedIn.access()))
                                .statusCode())
                        .isEqualTo(401));
        assertThat(refusedRefresh(app, signedIn.refresh()))
                .as("the refresh token ended too")
                .isTrue();
        assertThat(app.code(email, PASSWORD, NativeAppSignIn.verifier())).isEmpty();
        assertThat(app.signIn(email, newPassword).access()).isNotBlank();
    }

    @Test
    void anEmailChangeAppliesOnlyWhenConfirmedAtTheNewAddressAndTheOldOneCanStopTheNext() throws Exception {
        var app = client();
        String email = Accounts.signUpVerified(app, Accounts.uniqueEmail("change"), PASSWORD);
        String newEmail = Accounts.uniqueEmail("changed");
        Tokens tokens = app.signIn(email, PASSWORD);

        assertThat(requestEmailChange(app, tokens.access(), newEmail, "not my password")
                        .statusCode())
                .isEqualTo(403);
        assertThat(requestEmailChange(app, tokens.access(), newEmail, PASSWORD).statusCode())
                .isEqualTo(202);
        assertThat(app.signIn(email, PASSWORD).access())
                .as("nothing applies before it is confirmed")
                .isNotBlank();

        var browser = app.browser();
        String confirm = Mailbox.await(newEmail, MailSubjects.EMAIL_CHANGE).link("/account/email-change");
        Mailbox.await(email, MailSubjects.EMAIL_CHANGE_NOTICE);
        HttpResponse<String> confirmed = browser.submit(browser.open(confirm), Map.of());
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        Tokens renamed = app.signIn(newEmail, PASSWORD);
        assertThat(claims(renamed.id())).contains("\"email_verified\":true");

        // Someone with this session asks to move the account again; the owner of the address says no.
        String attacker = Accounts.uniqueEmail("attacker");
        assertThat(requestEmailChange(app, renamed.access(), attacker, PASSWORD).statusCode())
                .isEqualTo(202);
        String cancel =
                Mailbox.await(newEmail, MailSubjects.EMAIL_CHANGE_NOTICE).link("/account/email-change/cancel");
        HttpResponse<String> cancelled = browser.submit(browser.open(cancel), Map.of());
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        String toAttacker = Mailbox.await(attacker, MailSubjects.EMAIL_CHANGE).link("/account/email-change");
        assertThat(browser.submit(browser.open(toAttacker), Map.of()).statusCode())
                .as("a cancelled change cannot be confirmed")
                .isEqualTo(400);
        await().atMost(Duration.ofSeconds(10)).until(() -> refusedRefresh(app, renamed.refresh()));
        Tokens owner = app.signIn(newEmail, PASSWORD);
        assertThat(requestEmailChange(app, owner.access(), Accounts.uniqueEmail("later"), PASSWORD)
                        .statusCode())
                .as("changes are locked until the owner acts")
                .isEqualTo(423);
    }

    @Test
    void aUserEndsOneOfTheirSessionsAndItsTokenIsRefusedAtTheGatewayWithinASecond() throws Exception {
        var app = client();
        String email = Accounts.signUpVerified(app, Accounts.uniqueEmail("sessions"), PASSWORD);
        Tokens laptop = app.signIn(email, PASSWORD);
        Tokens phone = app.signIn(email, PASSWORD);

        HttpResponse<String> list = app.send(bearer(app.get("/api/sessions"), phone.access()));
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<String> ids = JsonPath.read(list.body(), "$..id");
        assertThat(ids).hasSizeGreaterThanOrEqualTo(2);
        assertThat(list.body()).contains("127.0.0.");

        String laptopSession = sessionOf(app, laptop.access());
        HttpResponse<String> ended = app.send(bearer(app.get("/api/sessions/" + laptopSession), phone.access())
                .DELETE());
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(204);
        long endedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> app.send(bearer(app.get("/api/users/me"), laptop.access()))
                                .statusCode()
                        == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - endedAt)).isLessThan(Duration.ofSeconds(1));
        assertThat(app.send(bearer(app.get("/api/users/me"), phone.access())).statusCode())
                .as("the other session goes on")
                .isEqualTo(200);

        var other = client();
        Tokens stranger =
                other.signIn(Accounts.signUpVerified(other, Accounts.uniqueEmail("stranger"), PASSWORD), PASSWORD);
        String phoneSession = sessionOf(app, phone.access());
        assertThat(other.send(bearer(other.get("/api/sessions/" + phoneSession), stranger.access())
                                .DELETE())
                        .statusCode())
                .as("another user's session")
                .isEqualTo(404);
    }

    /**
     * The development administrator signs in with the password alone (devstack's sign-in.sh), so the search answers
     * the RFC 9470 step-up challenge through the gateway; an administrator with a second factor finding accounts is
     * user-service's {@code AdminSearchIT} and {@code AdminSecondFactorIT}.
     */
    @Test
    void anAdministratorWithoutASecondFactorIsAskedToStepUpAndAUserMayNotSearch() throws Exception {
        var app = client();
        String prefix = "search-" + System.nanoTime();
        String email = Accounts.signUpVerified(app, prefix + "@example.com", PASSWORD);
        String admin = PlatformSmokeIT.signIn("admin@example.com", "dev-only-admin-password");

        HttpResponse<String> found = app.send(bearer(app.get("/api/users?email=" + prefix.toUpperCase()), admin));
        assertThat(found.statusCode()).as(found.body()).isEqualTo(403);
        assertThat(found.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"insufficient_user_authentication\"", "acr_values=\"urn:meridian:acr:mfa\"");
        assertThat(found.body()).doesNotContain(email);

        Tokens user = app.signIn(email, PASSWORD);
        assertThat(app.send(bearer(app.get("/api/users?email=" + prefix), user.access()))
                        .statusCode())
                .isEqualTo(403);
        assertThat(app.send(app.get("/api/users?email=" + prefix)).statusCode()).isEqualTo(401);
    }

    @Test
    void aDeletedAccountsAuditStreamKeepsVersionsAndTypesButNoPersonalDataAndTheAddressSignsUpAgain() throws Exception {
        var app = client();
        String email = Accounts.signUpVerified(app, Accounts.uniqueEmail("erase"), PASSWORD);
        Tokens tokens = app.signIn(email, PASSWORD);
        String userId = JsonPath.read(claims(tokens.access()), "$.sub");
        HttpResponse<String> me = app.send(bearer(app.get("/api/users/me"), tokens.access()));
        HttpResponse<String> renamed = app.send(bearer(app.get("/api/users/" + userId), tokens.access())
                .header("Content-Type", "application/json")
                .header("If-Match", me.headers().firstValue("ETag").orElseThrow())
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Accounts.json("name", "Erased Person"))));
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);

        HttpResponse<String> noPassword = app.send(bearer(app.get("/api/users/me"), tokens.access())
                .method("DELETE", HttpRequest.BodyPublishers.noBody()));
        HttpResponse<String> deleted = app.send(bearer(app.get("/api/users/me"), tokens.access())
                .header("Content-Type", "application/json")
                .method("DELETE", HttpRequest.BodyPublishers.ofString(Accounts.json("currentPassword", PASSWORD))));

        assertThat(noPassword.statusCode()).isEqualTo(400);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        String admin = PlatformSmokeIT.signIn("admin@example.com", "dev-only-admin-password");
        var stream = new java.util.concurrent.atomic.AtomicReference<String>();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    HttpResponse<String> read = PlatformSmokeIT.send(
                            PlatformSmokeIT.gateway("/api/audit/users/" + userId + "/events?limit=100")
                                    .header("Authorization", "Bearer " + admin));
                    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
                    assertThat(JsonPath.<List<String>>read(read.body(), "$.events[*].type"))
                            .contains("dev.meridian.user.deleted.v1");
                    assertThat(JsonPath.<Boolean>read(read.body(), "$.events[0].erased"))
                            .isTrue();
                    stream.set(read.body());
                });
        List<String> types = JsonPath.read(stream.get(), "$.events[*].type");
        List<Integer> versions = JsonPath.read(stream.get(), "$.events[*].version");
        assertThat(types)
                .contains(
                        "dev.meridian.user.created.v1",
                        "dev.meridian.user.email-verified.v1",
                        "dev.meridian.user.updated.v1")
                .endsWith("dev.meridian.user.deleted.v1");
        assertThat(versions)
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, versions.size())
                        .boxed()
                        .toList());
        assertThat(stream.get()).doesNotContain(email, "Outside Client", "Erased Person", PASSWORD);
        assertThat(app.refresh(tokens.refresh()).statusCode())
                .as("the sessions ended")
                .isEqualTo(400);

        HttpResponse<String> again = Accounts.signUp(app, email, "Someone New", "another long password");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        Accounts.verifyWithCode(
                app, email, Mailbox.await(email, MailSubjects.VERIFICATION, 2).code());
        String newId =
                JsonPath.read(claims(app.signIn(email, "another long password").access()), "$.sub");
        assertThat(newId).isNotEqualTo(userId);
    }

    /** The id of the session {@code token} was issued to: the one its own listing marks current. */
    private static String sessionOf(NativeAppSignIn app, String token) throws Exception {
        HttpResponse<String> list = app.send(bearer(app.get("/api/sessions"), token));
        List<String> current = JsonPath.read(list.body(), "$[?(@.current == true)].id");
        assertThat(current).as(list.body()).hasSize(1);
        return current.getFirst();
    }

    /** Whether the refresh token is refused as RFC 6749 says: 400 {@code invalid_grant}. */
    private static boolean refusedRefresh(NativeAppSignIn app, String refreshToken) throws Exception {
        HttpResponse<String> refreshed = app.refresh(refreshToken);
        return refreshed.statusCode() == 400 && refreshed.body().contains("\"invalid_grant\"");
    }

    private static HttpResponse<String> requestEmailChange(
            NativeAppSignIn app, String token, String email, String currentPassword) throws Exception {
        return app.send(bearer(app.get("/api/users/me/email-change"), token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        Accounts.json("email", email, "currentPassword", currentPassword))));
    }

    /** The types in the user's audit stream, read by the development administrator; none may carry {@code secret}. */
    private static List<String> auditTypes(String userId, String email, String secret) throws Exception {
        String admin = PlatformSmokeIT.signIn("admin@example.com", "dev-only-admin-password");
        var types = new java.util.concurrent.atomic.AtomicReference<List<String>>(List.of());
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    HttpResponse<String> stream = PlatformSmokeIT.send(
                            PlatformSmokeIT.gateway("/api/audit/users/" + userId + "/events?limit=100")
                                    .header("Authorization", "Bearer " + admin));
                    assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
                    assertThat(stream.body()).doesNotContain(secret);
                    types.set(JsonPath.read(stream.body(), "$.events[*].type"));
                    if (!types.get().contains("dev.meridian.user.email-verified.v1")) {
                        HttpResponse<String> recent =
                                PlatformSmokeIT.send(PlatformSmokeIT.gateway("/api/audit/events?limit=500")
                                        .header("Authorization", "Bearer " + admin));
                        List<Object> ofTheAddress =
                                JsonPath.read(recent.body(), "$.events[?(@.data.email == '" + email + "')]");
                        throw new AssertionError("Not in the stream of " + userId + ": " + stream.body()
                                + "\nThe audit log's entries about " + email + ": " + ofTheAddress);
                    }
                });
        return types.get();
    }

    private static String claims(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    private static HttpRequest.Builder bearer(HttpRequest.Builder request, String token) {
        return request.header("Authorization", "Bearer " + token);
    }

    private static NativeAppSignIn client() {
        return new NativeAppSignIn(PUBLIC_URL, "127.0.0." + ADDRESSES.getAndIncrement());
    }

    /** What notification-service's mails say in their subjects, and the reset page's field names. */
    static final class MailSubjects {
        static final String VERIFICATION = "Confirm your email address";
        static final String RESET = "Reset your Meridian password";
        static final String SIGN_UP_ATTEMPT = "Someone tried to sign up";
        static final String EMAIL_CHANGE = "Confirm your new Meridian sign-in email";
        static final String EMAIL_CHANGE_NOTICE = "A change of your Meridian sign-in email was asked for";

        static Map<String, String> newPassword(String password) {
            return Map.of("password", password, "confirmation", password);
        }
    }
}
