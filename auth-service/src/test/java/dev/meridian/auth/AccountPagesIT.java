package dev.meridian.auth;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meridian.testkit.HeadlessChromium;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The account pages (issue 18) in a real headless Chromium and over HTTP, against user-service's account API as a real
 * HTTP server answering its contract ({@link UserServiceStandIn}): each page's way through, and its ways to fail —
 * forged, used and malformed tokens, a form without its CSRF token, a password the policy refuses, a taken address,
 * throttling, user-service down. The Chromium tests write each page's screenshot to {@code docs/screenshots/}. Also the
 * {@code email_verified} claim in the ID token, the access token and userinfo.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "meridian.auth.issuer=http://gateway.test:8080",
            "spring.kafka.consumer.group-id=auth-service-account-pages-it",
            "meridian.auth.clients[0].client-id=" + CodeFlow.CLIENT,
            "meridian.auth.clients[0].secret=" + CodeFlow.SECRET,
            "meridian.auth.clients[0].grant-types=authorization_code,refresh_token",
            "meridian.auth.clients[0].scopes=openid,profile",
            "meridian.auth.clients[0].audiences=user-service",
            "meridian.auth.clients[0].redirect-uris=" + CodeFlow.REDIRECT_URI
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
@ExtendWith(OutputCaptureExtension.class)
class AccountPagesIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String NEW_PASSWORD = "a brand new passphrase";
    private static final Path SCREENSHOTS =
            Path.of(System.getProperty("meridian.root", "..")).resolve("docs/screenshots");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UserServiceStandIn USER_SERVICE = new UserServiceStandIn(ServiceProcess.freePort());

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void userService(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.cloud.discovery.client.simple.instances.user-service[0].uri",
                () -> "http://127.0.0.1:" + USER_SERVICE.port());
    }

    @AfterEach
    void answerNormally() {
        USER_SERVICE.answerAccountCallsWith(null);
    }

    @AfterAll
    static void stopUserService() {
        USER_SERVICE.close();
    }

    // --- the login page's links and sign-up

    @Test
    void theLoginPageLinksToForgotPasswordAndSignUp() {
        chromium(browser -> {
            browser.get(base() + "/login");
            screenshot(browser, "login");
            press(browser, "a[href='/account/sign-up']");
            assertThat(browser.getTitle()).isEqualTo("Create a Meridian account");
            browser.navigate().back();
            press(browser, "a[href='/account/forgot-password']");
            assertThat(browser.getTitle()).isEqualTo("Forgot your password?");
        });
    }

    @Test
    void aPersonSignsUpAndIsToldToCheckTheirMailAndAWeakPasswordShowsOnTheForm() {
        String email = "ada@example.com"; // fixed: it shows in a screenshot, which should not change on every run
        chromium(browser -> {
            browser.get(base() + "/account/sign-up");
            screenshot(browser, "sign-up");
            fill(browser, Map.of("name", "Ada <b>Lovelace</b>", "email", email, "password", "short"));
            submit(browser);
            assertThat(alert(browser))
                    .as("the password policy's message on the form")
                    .contains("password must be at least 12 characters");
            assertThat(browser.findElement(By.id("email")).getAttribute("value"))
                    .isEqualTo(email);
            screenshot(browser, "sign-up-error");

            browser.findElement(By.id("password")).sendKeys(PASSWORD);
            submit(browser);
            assertThat(browser.getTitle()).isEqualTo("Check your mail");
            screenshot(browser, "sign-up-done");
        });
        JsonNode signUp = last("/api/users");
        assertThat(signUp.get("email").asString()).isEqualTo(email);
        assertThat(signUp.get("name").asString()).isEqualTo("Ada <b>Lovelace</b>");
        assertThat(signUp.get("password").asString()).isEqualTo(PASSWORD);
    }

    // --- verification

    @Test
    void openingTheVerificationLinkSpendsNothingAndItsButtonConfirmsTheAddressOnce(CapturedOutput output) {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"), false);
        String token = USER_SERVICE.link("verify-email", user.id(), user.email());
        chromium(browser -> {
            browser.get(base() + "/account/verify?token=" + token);
            assertThat(browser.getTitle()).isEqualTo("Confirm your email address");
            screenshot(browser, "verify");
            assertThat(USER_SERVICE.user(user.id()).emailVerified())
                    .as("a GET (a mail scanner's prefetch) spends nothing")
                    .isFalse();
            assertThat(calls("/api/users/email-verification", token)).isZero();

            press(browser, "#link button");
            assertThat(browser.getTitle()).isEqualTo("Address confirmed");
            assertThat(browser.getCurrentUrl()).doesNotContain(token);
            screenshot(browser, "verify-done");
            assertThat(USER_SERVICE.user(user.id()).emailVerified()).isTrue();

            browser.get(base() + "/account/verify?token=" + token);
            press(browser, "#link button");
            assertThat(browser.getTitle()).isEqualTo("This link or code does not work");
            screenshot(browser, "verify-invalid");
            press(browser, "#next");
            assertThat(browser.getTitle()).as("a way to ask again").isEqualTo("Forgot your password?");
        });
        assertThat(output.getAll()).as("the token in no log line").doesNotContain(token);
    }

    @Test
    void theMailedCodeConfirmsTheAddressAndAWrongOneGetsThe400Page() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"), false);
        String code = USER_SERVICE.code(USER_SERVICE.link("verify-email", user.id(), user.email()));
        var browser = http();
        String wrong = code.equals("000000") ? "111111" : "000000";

        HttpResponse<String> refused = browser.post(
                "/account/verify/code", form(browser, "/account/verify", "email", user.email(), "code", wrong));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("This link or code does not work");

        HttpResponse<String> confirmed = browser.post(
                "/account/verify/code", form(browser, "/account/verify", "email", user.email(), "code", code));
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(confirmed.body()).contains("Address confirmed");
        assertThat(USER_SERVICE.user(user.id()).emailVerified()).isTrue();
    }

    @Test
    void aForgedVerificationTokenGetsThe400PageAndAMalformedOneAtOnce() {
        var browser = http();
        String forged = token();

        HttpResponse<String> page = browser.get("/account/verify?token=" + forged);
        assertThat(page.statusCode()).isEqualTo(200);
        HttpResponse<String> posted = browser.post("/account/verify", form(page, "token", forged));
        assertThat(posted.statusCode()).isEqualTo(400);
        assertThat(posted.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(posted.body()).contains("This link or code does not work").contains("/account/forgot-password");

        int before = USER_SERVICE.accountCalls().size();
        assertThat(browser.get("/account/verify?token=not%20a%20token").statusCode())
                .isEqualTo(400);
        assertThat(USER_SERVICE.accountCalls()).hasSize(before);
    }

    // --- password reset

    @Test
    void forgotPasswordAnswersTheSamePageForEveryAddress() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        chromium(browser -> {
            browser.get(base() + "/account/forgot-password");
            screenshot(browser, "forgot-password");
            fill(browser, Map.of("email", user.email()));
            submit(browser);
            assertThat(browser.getTitle()).isEqualTo("Check your mail");
            screenshot(browser, "forgot-password-sent");
        });
        assertThat(last("/api/users/password-reset").get("email").asString()).isEqualTo(user.email());

        var browser = http();
        HttpResponse<String> known = browser.post(
                "/account/forgot-password", form(browser, "/account/forgot-password", "email", user.email()));
        HttpResponse<String> unknown = browser.post(
                "/account/forgot-password",
                form(browser, "/account/forgot-password", "email", "nobody-" + UUID.randomUUID() + "@example.com"));
        assertThat(known.statusCode()).isEqualTo(200);
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(unknown.body()).isEqualTo(known.body());

        HttpResponse<String> notAnAddress =
                browser.post("/account/forgot-password", form(browser, "/account/forgot-password", "email", "nobody"));
        assertThat(notAnAddress.statusCode()).as("the form again, not a 500").isEqualTo(400);
        assertThat(notAnAddress.body()).contains("email must be a well-formed email address");
    }

    @Test
    void aPersonChoosesANewPasswordThroughTheResetLinkAfterThePolicyRefusedOne(CapturedOutput output) {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        String token = USER_SERVICE.link("reset-password", user.id(), user.email());
        chromium(browser -> {
            browser.get(base() + "/account/reset-password?token=" + token);
            assertThat(browser.getTitle()).isEqualTo("Choose a new password");
            screenshot(browser, "reset-password");

            fill(browser, Map.of("password", NEW_PASSWORD, "confirmation", NEW_PASSWORD + "!"));
            submit(browser);
            assertThat(alert(browser)).contains("The two passwords differ.");

            fill(browser, Map.of("password", "too short", "confirmation", "too short"));
            submit(browser);
            assertThat(alert(browser))
                    .as("the policy's message, the token still usable")
                    .contains("password must be at least 12 characters");
            screenshot(browser, "reset-password-error");

            fill(browser, Map.of("password", NEW_PASSWORD, "confirmation", NEW_PASSWORD));
            submit(browser);
            assertThat(browser.getTitle()).isEqualTo("Password changed");
            assertThat(browser.getCurrentUrl()).doesNotContain(token);
            screenshot(browser, "reset-password-done");
        });
        assertThat(USER_SERVICE.user(user.id()).password()).isEqualTo(NEW_PASSWORD);
        assertThat(output.getAll())
                .as("neither token nor password in a log line")
                .doesNotContain(token)
                .doesNotContain(NEW_PASSWORD);

        var browser = http();
        HttpResponse<String> page = browser.get("/account/reset-password?token=" + token);
        HttpResponse<String> reused = browser.post(
                "/account/reset-password",
                form(
                        page,
                        "token",
                        token,
                        "password",
                        "yet another passphrase",
                        "confirmation",
                        "yet another passphrase"));
        assertThat(reused.statusCode()).as("a used link").isEqualTo(400);
        assertThat(reused.body()).contains("This link does not work");
    }

    @Test
    void aForgedOrMissingResetTokenGetsThe400Page() {
        var browser = http();
        assertThat(browser.get("/account/reset-password").statusCode()).isEqualTo(400);
        String forged = token();
        HttpResponse<String> page = browser.get("/account/reset-password?token=" + forged);
        assertThat(page.statusCode()).isEqualTo(200);
        HttpResponse<String> posted = browser.post(
                "/account/reset-password",
                form(page, "token", forged, "password", NEW_PASSWORD, "confirmation", NEW_PASSWORD));
        assertThat(posted.statusCode()).isEqualTo(400);
        assertThat(posted.body()).contains("This link does not work").contains("/account/forgot-password");
    }

    // --- email change

    @Test
    void theNewAddressConfirmsAnEmailChangeWithItsButton() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        String newEmail = "moved-" + UUID.randomUUID() + "@example.com";
        String token = USER_SERVICE.link("confirm-email-change", user.id(), newEmail);
        chromium(browser -> {
            browser.get(base() + "/account/email-change?token=" + token);
            assertThat(browser.getTitle()).isEqualTo("Confirm your new address");
            screenshot(browser, "email-change");
            assertThat(USER_SERVICE.user(user.id()).email())
                    .as("not before the POST")
                    .isEqualTo(user.email());
            submit(browser);
            assertThat(browser.getTitle()).isEqualTo("Address changed");
            screenshot(browser, "email-change-done");
        });
        assertThat(USER_SERVICE.user(user.id()).email()).isEqualTo(newEmail);
    }

    @Test
    void anEmailChangeToAnAddressTakenMeanwhileGetsThe409PageAndAForgedOneThe400Page() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        var other = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        String token = USER_SERVICE.link("confirm-email-change", user.id(), other.email());
        var browser = http();

        HttpResponse<String> page = browser.get("/account/email-change?token=" + token);
        HttpResponse<String> taken = browser.post("/account/email-change", form(page, "token", token));
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.body()).contains("This address is taken");

        String forged = token();
        HttpResponse<String> forgedPage = browser.get("/account/email-change?token=" + forged);
        HttpResponse<String> refused = browser.post("/account/email-change", form(forgedPage, "token", forged));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("This link does not work");
    }

    @Test
    void theOldAddressStopsAnEmailChangeWithItsButtonOnce() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        String token = USER_SERVICE.link("cancel-email-change", user.id(), user.email());
        chromium(browser -> {
            browser.get(base() + "/account/email-change/cancel?token=" + token);
            assertThat(browser.getTitle()).isEqualTo("Stop this email change");
            screenshot(browser, "email-change-cancel");
            submit(browser);
            assertThat(browser.getTitle()).isEqualTo("Email change stopped");
            screenshot(browser, "email-change-cancel-done");

            browser.get(base() + "/account/email-change/cancel?token=" + token);
            submit(browser);
            assertThat(browser.getTitle()).as("a used link").isEqualTo("This link does not work");
        });
        assertThat(calls("/api/users/email-change/cancel", token)).isEqualTo(2);
    }

    // --- rules for every page

    @Test
    void aFormWithoutItsCsrfTokenIsRefusedWith403AndReachesNobody() {
        var browser = http();
        browser.get("/account/sign-up");
        int before = USER_SERVICE.accountCalls().size();
        for (String path : List.of(
                "/account/sign-up",
                "/account/verify",
                "/account/verify/code",
                "/account/forgot-password",
                "/account/reset-password",
                "/account/email-change",
                "/account/email-change/cancel")) {
            HttpResponse<String> forged = browser.post(
                    path,
                    Map.of("token", token(), "email", "a@example.com", "code", "123456", "password", NEW_PASSWORD));
            assertThat(forged.statusCode()).as(path).isEqualTo(403);
            assertThat(forged.body()).as(path).contains("This form has expired");
        }
        assertThat(USER_SERVICE.accountCalls()).hasSize(before);
    }

    @Test
    void tokenPagesAreNeitherCachedNorNamedInARefererAndKeepNoSession() {
        var browser = http();
        for (String path : List.of(
                "/account/verify?token=" + token(),
                "/account/reset-password?token=" + token(),
                "/account/email-change?token=" + token(),
                "/account/email-change/cancel?token=" + token(),
                "/account/sign-up")) {
            HttpResponse<String> page = browser.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().allValues("Cache-Control")).as(path).containsExactly("no-store");
            assertThat(page.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
            assertThat(page.headers().allValues("Set-Cookie"))
                    .as("%s: the CSRF token in a cookie, no server-side session", path)
                    .noneMatch(cookie -> cookie.startsWith("JSESSIONID"));
        }
    }

    @Test
    void aThrottledRequestGetsA429PageSayingHowLongToWait() {
        USER_SERVICE.answerAccountCallsWith(429);
        var browser = http();

        HttpResponse<String> answer = browser.post(
                "/account/forgot-password", form(browser, "/account/forgot-password", "email", "a@example.com"));

        assertThat(answer.statusCode()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("42");
        assertThat(answer.body()).contains("Please wait 42 seconds");
    }

    @Test
    void whileUserServiceIsDownThePagesAnswerA503PageNotATraceNorJson() {
        USER_SERVICE.stop();
        try {
            chromium(browser -> {
                browser.get(base() + "/account/forgot-password");
                fill(browser, Map.of("email", "a@example.com"));
                submit(browser);
                assertThat(browser.getTitle()).isEqualTo("Temporarily unavailable");
                screenshot(browser, "unavailable");
            });
            var browser = http();
            String token = token();
            HttpResponse<String> page = browser.get("/account/reset-password?token=" + token);
            HttpResponse<String> answer = browser.post(
                    "/account/reset-password",
                    form(page, "token", token, "password", NEW_PASSWORD, "confirmation", NEW_PASSWORD));
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(answer.body()).contains("Temporarily unavailable").doesNotContain("Exception");
        } finally {
            USER_SERVICE.start();
        }
        USER_SERVICE.answerAccountCallsWith(500);
        var browser = http();
        HttpResponse<String> failing = browser.post(
                "/account/forgot-password", form(browser, "/account/forgot-password", "email", "a@example.com"));
        assertThat(failing.statusCode()).as("a 500 from user-service").isEqualTo(503);
        USER_SERVICE.answerAccountCallsWith(null);
        // The failures may have opened the pages' breaker: the next tests start once it let calls through again.
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> browser.post(
                                        "/account/forgot-password",
                                        form(browser, "/account/forgot-password", "email", "a@example.com"))
                                .statusCode()
                        == 200);
    }

    // --- email_verified

    @Test
    void theIdTokenTheAccessTokenAndUserinfoSayTheAddressIsVerified() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"), true);
        JsonNode tokens = new CodeFlow(port).signIn(user.email(), PASSWORD);

        assertThat(claims(tokens.get("id_token").asString())
                        .get("email_verified")
                        .asBoolean())
                .isTrue();
        assertThat(claims(tokens.get("access_token").asString())
                        .get("email_verified")
                        .asBoolean())
                .isTrue();
        assertThat(userInfo(tokens).get("email_verified").asBoolean()).isTrue();
    }

    @Test
    void theIdTokenTheAccessTokenAndUserinfoSayTheAddressIsNotVerified() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"), false);
        var flow = new CodeFlow(port);
        JsonNode tokens = flow.signIn(user.email(), PASSWORD);

        JsonNode id = claims(tokens.get("id_token").asString());
        assertThat(id.get("email_verified").isBoolean()).isTrue();
        assertThat(id.get("email_verified").asBoolean()).isFalse();
        assertThat(claims(tokens.get("access_token").asString())
                        .get("email_verified")
                        .asBoolean())
                .isFalse();
        JsonNode userInfo = userInfo(tokens);
        assertThat(userInfo.get("email_verified").asBoolean()).isFalse();
        assertThat(userInfo.get("sub").asString()).isEqualTo(user.id().toString());

        HttpResponse<String> refreshed =
                flow.refresh(tokens.get("refresh_token").asString());
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(claims(JSON.readTree(refreshed.body()).get("access_token").asString())
                        .get("email_verified")
                        .asBoolean())
                .as("a refresh repeats the sign-in's value")
                .isFalse();
    }

    private JsonNode userInfo(JsonNode tokens) {
        HttpResponse<String> answer = OAuthHttp.send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(base() + "/userinfo"))
                        .header(
                                "Authorization",
                                "Bearer " + tokens.get("access_token").asString())
                        .GET(),
                Duration.ofSeconds(15));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    /** The claims of a JWT this server just issued (its signature is the token tests' concern). */
    private static JsonNode claims(String jwt) {
        return JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    // --- helpers

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private Browser http() {
        return new Browser(base(), CodeFlow.CLIENT, CodeFlow.REDIRECT_URI);
    }

    /** A token shaped as user-service mints them, that it never minted. */
    private static String token() {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** The fields, plus the CSRF token of the form on {@code page}. */
    private static Map<String, String> form(HttpResponse<String> page, String... fields) {
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find())
                .as("the page's form carries a CSRF token: %s", page.body())
                .isTrue();
        var form = new java.util.HashMap<String, String>();
        for (int i = 0; i < fields.length; i += 2) {
            form.put(fields[i], fields[i + 1]);
        }
        form.put("_csrf", csrf.group(1));
        return form;
    }

    private static Map<String, String> form(Browser browser, String pagePath, String... fields) {
        return form(browser.get(pagePath), fields);
    }

    private static JsonNode last(String path) {
        return USER_SERVICE.accountCalls().stream()
                .filter(call -> call.path().equals(path))
                .reduce((first, second) -> second)
                .orElseThrow()
                .body();
    }

    private static long calls(String path, String token) {
        return USER_SERVICE.accountCalls().stream()
                .filter(call -> call.path().equals(path)
                        && token.equals(call.body().path("token").asString("")))
                .count();
    }

    private static void chromium(Consumer<WebDriver> use) {
        assumeTrue(HeadlessChromium.installed(), HeadlessChromium.MISSING);
        HeadlessChromium.use(900, 700, use::accept);
    }

    private static void fill(WebDriver browser, Map<String, String> fields) {
        fields.forEach((id, value) -> {
            var field = browser.findElement(By.id(id));
            field.clear();
            field.sendKeys(value);
        });
    }

    private static void submit(WebDriver browser) {
        press(browser, "form button");
    }

    /** Clicks the button and waits for the page its form leads to (a click returns before a form's POST is loaded). */
    private static void press(WebDriver browser, String button) {
        var page = browser.findElement(By.tagName("html"));
        browser.findElement(By.cssSelector(button)).click();
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    try {
                        page.isEnabled();
                        return false;
                    } catch (StaleElementReferenceException replaced) {
                        return true;
                    }
                });
    }

    private static String alert(WebDriver browser) {
        return browser.findElement(By.cssSelector("[role=alert]")).getText();
    }

    /** The page as a person sees it, kept for the README ({@code docs/screenshots/<name>.png}). */
    private static void screenshot(WebDriver browser, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(
                    SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
