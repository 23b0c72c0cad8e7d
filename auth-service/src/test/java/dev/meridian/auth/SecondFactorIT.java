package dev.meridian.auth;

import static dev.meridian.testkit.AuthenticatorApp.base32;
import static dev.meridian.testkit.AuthenticatorApp.code;
import static dev.meridian.testkit.AuthenticatorApp.fromBase32;
import static dev.meridian.testkit.AuthenticatorApp.step;
import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.RecoveryCodeUsed;
import dev.meridian.events.SecondFactorEnrolled;
import dev.meridian.events.SecondFactorRemoved;
import dev.meridian.events.UserEvents;
import dev.meridian.testkit.HeadlessChromium;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import dev.meridian.testkit.TopicReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two-step sign-in over HTTP, as a browser drives it (cookies, CSRF tokens, redirects), with an authenticator app
 * played by an RFC 6238 generator written here (HMAC-SHA1, 30 s, 6 digits) from the secret the set-up page shows:
 * enrolment, the challenge in the authorization code flow, wrong, replayed and drifted codes, the per-account
 * throttle, recovery codes, removal, and {@code amr}/{@code acr} in the tokens.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "meridian.auth.issuer=http://gateway.test:8080",
            "meridian.auth.clients[0].client-id=" + CodeFlow.CLIENT,
            "meridian.auth.clients[0].secret=" + CodeFlow.SECRET,
            "meridian.auth.clients[0].grant-types=authorization_code,refresh_token",
            "meridian.auth.clients[0].scopes=openid,profile",
            "meridian.auth.clients[0].audiences=user-service",
            "meridian.auth.clients[0].redirect-uris=" + CodeFlow.REDIRECT_URI,
            "meridian.auth.clients[1].client-id=" + SecondFactorIT.CONSOLE,
            "meridian.auth.clients[1].secret=" + CodeFlow.SECRET,
            "meridian.auth.clients[1].grant-types=authorization_code",
            "meridian.auth.clients[1].scopes=openid,profile",
            "meridian.auth.clients[1].audiences=user-service",
            "meridian.auth.clients[1].redirect-uris=" + CodeFlow.REDIRECT_URI,
            "meridian.auth.clients[1].require-second-factor=true"
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class SecondFactorIT {

    static final String CONSOLE = "admin-console";
    private static final Path SCREENSHOTS = Path.of("../docs/screenshots");
    private static final Duration SOON = Duration.ofSeconds(15);
    private static final String PASSWORD = "correct horse battery staple";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final Pattern SECRET = Pattern.compile("id=\"secret\">([A-Z2-7 ]+)<");
    private static final Pattern CODE = Pattern.compile("<li>([A-Z2-7]{5}-[A-Z2-7]{5})</li>");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UserServiceStandIn USER_SERVICE = new UserServiceStandIn(ServiceProcess.freePort());

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void userService(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.cloud.discovery.client.simple.instances.user-service[0].uri",
                () -> "http://127.0.0.1:" + USER_SERVICE.port());
    }

    @AfterAll
    static void close() {
        USER_SERVICE.close();
    }

    @Test
    void anEnrolledUsersSignInAsksForTheAppsCodeAndTheTokensSayTwoFactors() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        awayFromAStepEdge();
        Enrolment app = enrol(user.email(), -1); // a code one step behind is taken (clock drift)
        assertThat(app.codes()).hasSize(10).doesNotHaveDuplicates();
        String stored = jdbc.sql("select secret from totp_factors where user_id = ?")
                .param(user.id())
                .query(String.class)
                .single();
        assertThat(stored).as("stored encrypted").startsWith("A256GCM.").doesNotContain(base32(app.secret()));
        assertThat(jdbc.sql("select code_hash from recovery_codes where user_id = ?")
                        .param(user.id())
                        .query(String.class)
                        .list())
                .hasSize(10)
                .noneMatch(hash -> app.codes().stream().anyMatch(code -> hash.contains(code.replace("-", ""))));

        Browser browser = passwordOnly(user.email());
        assertThat(challenge(browser, "").statusCode()).isEqualTo(302); // an empty code: refused
        assertThat(failure(browser)).contains("That code is not right");
        String replayed = code(app.secret(), step() - 1);
        assertThat(failure(browser, replayed)).as("the enrolment's code, again").contains("already been used");
        assertThat(failure(browser, code(app.secret(), step() + 2)))
                .as("two steps ahead")
                .contains("not right");
        assertThat(failure(browser, code(app.secret(), step() - 2)))
                .as("two steps behind")
                .contains("not right");

        HttpResponse<String> right = challenge(browser, code(app.secret(), step() + 1)); // one step ahead: taken
        JsonNode tokens = tokens(browser, right);
        assertThat(claims(tokens.get("access_token").asString()).get("amr").toString())
                .isEqualTo("[\"pwd\",\"otp\"]");
        assertThat(claims(tokens.get("access_token").asString()).get("acr").asString())
                .isEqualTo("urn:meridian:acr:mfa");
        assertThat(claims(tokens.get("id_token").asString()).get("amr").toString())
                .isEqualTo("[\"pwd\",\"otp\"]");
        JsonNode refreshed = JSON.readTree(new CodeFlow(port)
                .refresh(tokens.get("refresh_token").asString())
                .body());
        assertThat(claims(refreshed.get("access_token").asString()).get("acr").asString())
                .as("a refresh repeats the sign-in's factors")
                .isEqualTo("urn:meridian:acr:mfa");

        Browser again = passwordOnly(user.email());
        assertThat(failure(again, code(app.secret(), step() + 1)))
                .as("a code once taken, in another browser")
                .contains("already been used");

        List<ConsumerRecord<String, String>> events = userEvents(user.id().toString(), 1);
        assertThat(TopicReader.header(events.getFirst(), CloudEventHeaders.TYPE))
                .isEqualTo(SecondFactorEnrolled.TYPE);
        assertThat(events.getFirst().value()).contains("\"factor\":\"totp\"").doesNotContain(base32(app.secret()));
    }

    @Test
    void aPasswordOnlySignInGetsNoCodeAndNoPageUntilTheSecondStep() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        JsonNode before = new CodeFlow(port).signIn(user.email(), PASSWORD);
        enrol(user.email(), 0);
        assertThat(new CodeFlow(port)
                        .introspect(before.get("refresh_token").asString())
                        .get("active")
                        .asBoolean())
                .as("a session signed in with the password alone before the enrolment ends")
                .isFalse();
        Browser browser = passwordOnly(user.email());

        HttpResponse<String> sessions = browser.get("/account/sessions");
        assertThat(sessions.statusCode()).isEqualTo(302);
        assertThat(sessions.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(URI.create(to).getPath()).isEqualTo("/login/second-factor"));
        HttpResponse<String> settings = browser.get("/account/second-factor");
        assertThat(settings.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(URI.create(to).getPath()).isEqualTo("/login/second-factor"));
        HttpResponse<String> forged = browser.post("/login/second-factor", Map.of("code", "123456"));
        assertThat(forged.statusCode()).as("no CSRF token").isEqualTo(403);
    }

    @Test
    void aUserWithoutASecondFactorSignsInWithThePasswordAndTheTokensSaySo() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));

        JsonNode tokens = new CodeFlow(port).signIn(user.email(), PASSWORD);

        assertThat(claims(tokens.get("access_token").asString()).get("amr").toString())
                .isEqualTo("[\"pwd\"]");
        assertThat(claims(tokens.get("id_token").asString()).get("acr").asString())
                .isEqualTo("urn:meridian:acr:pwd");
    }

    @Test
    void wrongCodesLockTheChallengeOfThatAccountEvenForTheRightCode() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        var other = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        awayFromAStepEdge();
        Enrolment app = enrol(user.email(), 0);
        Enrolment otherApp = enrol(other.email(), 0);
        Browser browser = passwordOnly(user.email());
        String wrong = code(app.secret(), step() + 5);
        for (int i = 0; i < 4; i++) {
            assertThat(failure(browser, wrong)).contains("not right");
        }
        assertThat(failure(browser, wrong)).as("the fifth wrong code").contains("Too many wrong codes");

        assertThat(failure(browser, code(app.secret(), step() + 1)))
                .as("locked: the right code is not even checked")
                .contains("Too many wrong codes");
        Browser otherBrowser = passwordOnly(other.email());
        assertThat(tokens(otherBrowser, challenge(otherBrowser, code(otherApp.secret(), step() + 1))))
                .as("another account is not locked")
                .isNotNull();
    }

    @Test
    void eachRecoveryCodeSignsInOnceAndItsUseIsReported() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Enrolment app = enrol(user.email(), 0);
        String recovery = app.codes().get(3);

        Browser browser = passwordOnly(user.email());
        HttpResponse<String> used = browser.post(
                "/login/second-factor",
                Map.of(
                        "recovery_code",
                        recovery.toLowerCase().replace("-", " "),
                        "_csrf",
                        csrf(browser.get("/login/second-factor?recovery"))));
        JsonNode tokens = tokens(browser, used);
        assertThat(claims(tokens.get("access_token").asString()).get("amr").toString())
                .isEqualTo("[\"pwd\",\"otp\"]");

        Browser again = passwordOnly(user.email());
        HttpResponse<String> reused = again.post(
                "/login/second-factor",
                Map.of("recovery_code", recovery, "_csrf", csrf(again.get("/login/second-factor?recovery"))));
        assertThat(reused.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(to).endsWith("/login/second-factor?error"));
        assertThat(again.get("/login/second-factor?error").body()).contains("used before");

        List<ConsumerRecord<String, String>> events = userEvents(user.id().toString(), 2);
        assertThat(TopicReader.header(events.get(1), CloudEventHeaders.TYPE)).isEqualTo(RecoveryCodeUsed.TYPE);
        assertThat(events.get(1).value()).contains("\"remaining\":9").doesNotContain(recovery);
    }

    @Test
    void removingTheAppEndsTheSecondStepAndIsReported() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Enrolment app = enrol(user.email(), 0);
        Browser browser = app.browser();

        HttpResponse<String> confirm = browser.get("/account/second-factor/remove");
        assertThat(confirm.statusCode()).isEqualTo(200);
        HttpResponse<String> removed = browser.post("/account/second-factor/remove", Map.of("_csrf", csrf(confirm)));
        assertThat(removed.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(to).endsWith("/account/second-factor?removed"));

        assertThat(new CodeFlow(port).signIn(user.email(), PASSWORD).get("access_token"))
                .as("the password alone signs in again")
                .isNotNull();
        List<ConsumerRecord<String, String>> events = userEvents(user.id().toString(), 2);
        assertThat(TopicReader.header(events.get(1), CloudEventHeaders.TYPE)).isEqualTo(SecondFactorRemoved.TYPE);
    }

    @Test
    void aClientThatRequiresASecondFactorSendsAUserWithoutOneToSetItUpThenOn() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("ADMIN"));
        Browser browser = new Browser(base(), CONSOLE, CodeFlow.REDIRECT_URI);
        browser.startAuthorization();
        String back = browser.login(user.email(), PASSWORD)
                .headers()
                .firstValue("Location")
                .orElseThrow();
        HttpResponse<String> authorize = browser.get(
                URI.create(back).getRawPath() + "?" + URI.create(back).getRawQuery());
        assertThat(authorize.headers().firstValue("Location"))
                .as("no code for the password alone")
                .hasValueSatisfying(to -> assertThat(URI.create(to).getPath()).isEqualTo("/login/second-factor"));
        HttpResponse<String> challenge = browser.get("/login/second-factor");
        assertThat(challenge.headers().firstValue("Location"))
                .as("no app yet: set one up")
                .hasValueSatisfying(to -> assertThat(URI.create(to).getPath()).isEqualTo("/account/second-factor"));
        HttpResponse<String> status = browser.get("/account/second-factor");
        assertThat(status.body()).contains("asks for two-step sign-in");
        HttpResponse<String> setUp = browser.post("/account/second-factor/totp", Map.of("_csrf", csrf(status)));
        Matcher shown = SECRET.matcher(setUp.body());
        assertThat(shown.find()).isTrue();
        byte[] secret = fromBase32(shown.group(1).replace(" ", ""));
        HttpResponse<String> codes = browser.post(
                "/account/second-factor/totp/confirm", Map.of("code", code(secret, step()), "_csrf", csrf(setUp)));
        assertThat(codes.statusCode()).isEqualTo(200);

        HttpResponse<String> carryOn = browser.get("/account/second-factor/continue");
        assertThat(carryOn.headers().firstValue("Location"))
                .as("back to the authorization request")
                .hasValueSatisfying(to -> assertThat(to).contains("/oauth2/authorize"));
        JsonNode tokens = tokens(browser, carryOn, CONSOLE);
        assertThat(claims(tokens.get("access_token").asString()).get("acr").asString())
                .isEqualTo("urn:meridian:acr:mfa");
    }

    @Test
    void aPersonSetsUpAnAppAndSignsInWithItInARealBrowser() throws IOException {
        assumeTrue(HeadlessChromium.installed(), HeadlessChromium.MISSING);
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        awayFromAStepEdge();
        ChromeDriver browser = HeadlessChromium.start(1280, 900);
        try {
            browser.get(base() + "/account/second-factor");
            signIn(browser, user.email());
            await().atMost(SOON).until(() -> browser.getTitle().startsWith("Two-step sign-in"));
            screenshot(browser, "second-factor-off");
            browser.findElement(By.id("set-up")).click();
            await().atMost(SOON).until(() -> browser.getTitle().startsWith("Set up an authenticator app"));
            assertThat(browser.findElement(By.cssSelector("img.qr")).getAttribute("naturalWidth"))
                    .as("the QR code renders")
                    .isNotEqualTo("0");
            screenshot(browser, "second-factor-set-up");
            byte[] secret =
                    fromBase32(browser.findElement(By.id("secret")).getText().replace(" ", ""));
            browser.findElement(By.id("code")).sendKeys(code(secret, step()));
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            await().atMost(SOON).until(() -> browser.getTitle().startsWith("Your recovery codes"));
            assertThat(browser.findElements(By.cssSelector("#codes li"))).hasSize(10);
            screenshot(browser, "second-factor-recovery-codes");
            browser.findElement(By.id("done")).click();
            await().atMost(SOON).until(() -> !browser.findElements(By.id("on")).isEmpty());
            screenshot(browser, "second-factor-on");

            browser.manage().deleteAllCookies();
            browser.get(base() + "/account/sessions");
            signIn(browser, user.email());
            await().atMost(SOON).until(() -> browser.getCurrentUrl().contains("/login/second-factor"));
            screenshot(browser, "second-factor-challenge");
            browser.findElement(By.id("code")).sendKeys(code(secret, step() + 3));
            browser.findElement(By.cssSelector("#app button")).click();
            await().atMost(SOON)
                    .until(() -> !browser.findElements(By.cssSelector("[role=alert]"))
                            .isEmpty());
            assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
                    .contains("not right");
            screenshot(browser, "second-factor-challenge-error");
            browser.findElement(By.id("use-recovery")).click();
            await().atMost(SOON)
                    .until(() -> !browser.findElements(By.id("recovery_code")).isEmpty());
            screenshot(browser, "second-factor-recovery");
            browser.navigate().back();
            browser.findElement(By.id("code")).sendKeys(code(secret, step() + 1));
            browser.findElement(By.cssSelector("#app button")).click();
            await().atMost(SOON).until(() -> browser.getTitle().startsWith("Your sessions"));
        } finally {
            browser.quit();
        }
    }

    private static void signIn(ChromeDriver browser, String email) {
        await().atMost(SOON).until(() -> browser.getTitle().equals("Sign in to Meridian"));
        browser.findElement(By.id("username")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
    }

    private static void screenshot(ChromeDriver browser, String name) throws IOException {
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.createDirectories(file.getParent());
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    }

    record Enrolment(byte[] secret, List<String> codes, Browser browser) {}

    /** Signs in at the second-factor page, sets up an app and confirms it with the code of the current step + drift. */
    private Enrolment enrol(String email, int drift) {
        return enrol(base(), email, drift);
    }

    static Enrolment enrol(String base, String email, int drift) {
        Browser browser = new Browser(base, CodeFlow.CLIENT, CodeFlow.REDIRECT_URI);
        assertThat(browser.get("/account/second-factor").statusCode()).isEqualTo(302);
        HttpResponse<String> login = browser.login(email, PASSWORD);
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(URI.create(to).getPath()).isEqualTo("/account/second-factor"));
        HttpResponse<String> status = browser.get("/account/second-factor");
        assertThat(status.body()).contains("Set up an authenticator app");
        HttpResponse<String> setUp = browser.post("/account/second-factor/totp", Map.of("_csrf", csrf(status)));
        assertThat(setUp.statusCode()).as(setUp.body()).isEqualTo(200);
        assertThat(setUp.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(setUp.body()).contains("data:image/svg+xml;base64,");
        Matcher shown = SECRET.matcher(setUp.body());
        assertThat(shown.find()).as("the secret as text").isTrue();
        byte[] secret = fromBase32(shown.group(1).replace(" ", ""));

        HttpResponse<String> wrong = browser.post(
                "/account/second-factor/totp/confirm", Map.of("code", code(secret, step() + 3), "_csrf", csrf(setUp)));
        assertThat(wrong.statusCode()).isEqualTo(400);
        HttpResponse<String> done = browser.post(
                "/account/second-factor/totp/confirm",
                Map.of("code", code(secret, step() + drift), "_csrf", csrf(wrong)));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        List<String> codes = new ArrayList<>();
        Matcher code = CODE.matcher(done.body());
        while (code.find()) {
            codes.add(code.group(1));
        }
        assertThat(browser.get("/account/second-factor").body())
                .as("this browser proved the app: no second step asked")
                .contains("10</span> unused recovery codes left");
        return new Enrolment(secret, codes, browser);
    }

    /** A new browser that started the client's authorization request and signed in with the password. */
    private Browser passwordOnly(String email) {
        Browser browser = new Browser(base(), CodeFlow.CLIENT, CodeFlow.REDIRECT_URI);
        browser.startAuthorization();
        HttpResponse<String> login = browser.login(email, PASSWORD);
        String back = login.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> authorize = browser.get(
                URI.create(back).getRawPath() + "?" + URI.create(back).getRawQuery());
        assertThat(authorize.statusCode()).isEqualTo(302);
        assertThat(authorize.headers().firstValue("Location"))
                .as("no code yet: the second step")
                .hasValueSatisfying(to -> assertThat(URI.create(to).getPath()).isEqualTo("/login/second-factor"));
        return browser;
    }

    private HttpResponse<String> challenge(Browser browser, String code) {
        HttpResponse<String> page = browser.get("/login/second-factor");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        return browser.post("/login/second-factor", Map.of("code", code, "_csrf", csrf(page)));
    }

    /** Posts a code that must fail; answers the page's message. */
    private String failure(Browser browser, String code) {
        HttpResponse<String> refused = challenge(browser, code);
        assertThat(refused.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(to).endsWith("/login/second-factor?error"));
        return failure(browser);
    }

    private static String failure(Browser browser) {
        return browser.get("/login/second-factor?error").body();
    }

    /** Follows the challenge's redirect back to the authorization request and exchanges the code. */
    private JsonNode tokens(Browser browser, HttpResponse<String> challenged) {
        return tokens(browser, challenged, CodeFlow.CLIENT);
    }

    private JsonNode tokens(Browser browser, HttpResponse<String> challenged, String client) {
        assertThat(challenged.statusCode()).isEqualTo(302);
        URI back = URI.create(challenged.headers().firstValue("Location").orElseThrow());
        assertThat(back.getPath()).as("back to the authorization request").isEqualTo("/oauth2/authorize");
        HttpResponse<String> authorized = browser.get(back.getRawPath() + "?" + back.getRawQuery());
        assertThat(authorized.statusCode()).as(authorized.body()).isEqualTo(302);
        String code = browser.redirectQuery(authorized).get("code");
        HttpResponse<String> tokens = tokenRequest(
                client,
                Map.of(
                        "grant_type",
                        "authorization_code",
                        "code",
                        code,
                        "redirect_uri",
                        CodeFlow.REDIRECT_URI,
                        "code_verifier",
                        Browser.VERIFIER));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return JSON.readTree(tokens.body());
    }

    private HttpResponse<String> tokenRequest(String client, Map<String, String> fields) {
        return OAuthHttp.send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(base() + "/oauth2/token"))
                        .header("Authorization", OAuthHttp.basic(client, CodeFlow.SECRET))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(OAuthHttp.form(fields))),
                Duration.ofSeconds(15));
    }

    private List<ConsumerRecord<String, String>> userEvents(String user, int count) {
        try (var events = new TopicReader(KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC)) {
            return events.readKey(user, count, Duration.ofSeconds(30));
        }
    }

    private static JsonNode claims(String jwt) {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    static String csrf(HttpResponse<String> page) {
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find())
                .as("the page's form carries the CSRF token: %s", page.body())
                .isTrue();
        return csrf.group(1);
    }

    // The authenticator app is platform-testkit's AuthenticatorApp (RFC 6238, written apart from auth-service's).

    /** Tests whose codes sit one step from a refusal keep a few seconds from a step's end. */
    private static void awayFromAStepEdge() {
        long intoStep = Instant.now().getEpochSecond() % 30;
        if (intoStep > 20) {
            try {
                Thread.sleep((31 - intoStep) * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
