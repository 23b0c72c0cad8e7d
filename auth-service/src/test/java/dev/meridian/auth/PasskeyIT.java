package dev.meridian.auth;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meridian.events.CloudEventHeaders;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Passkeys in a real browser: headless Chromium with a virtual authenticator (Chrome DevTools Protocol
 * {@code WebAuthn.addVirtualAuthenticator}, through Selenium), which makes and signs with real keys. The pages are
 * opened at {@code localhost}: WebAuthn binds a passkey to a domain and refuses IP addresses. A passkey is added on the
 * second-factor page, signs in without a password (tokens {@code amr ["hwk","user"]}, {@code acr} mfa), is asked for
 * after the password as the second step ({@code ["pwd","hwk"]}), is refused when its user is not verified or the account
 * deactivated, cannot be removed by another user, and is removed; each change is an event.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {
            "eureka.client.enabled=false",
            "meridian.auth.issuer=http://gateway.test:8080",
            "meridian.auth.passkeys.rp-id=localhost",
            "meridian.auth.clients[0].client-id=" + CodeFlow.CLIENT,
            "meridian.auth.clients[0].secret=" + CodeFlow.SECRET,
            "meridian.auth.clients[0].grant-types=authorization_code,refresh_token",
            "meridian.auth.clients[0].scopes=openid,profile",
            "meridian.auth.clients[0].audiences=user-service",
            "meridian.auth.clients[0].redirect-uris=" + CodeFlow.REDIRECT_URI
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class PasskeyIT {

    private static final int PORT = ServiceProcess.freePort();
    private static final String BASE = "http://localhost:" + PORT;
    private static final Path SCREENSHOTS = Path.of("../docs/screenshots");
    private static final Duration SOON = Duration.ofSeconds(20);
    private static final String PASSWORD = "correct horse battery staple";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UserServiceStandIn USER_SERVICE = new UserServiceStandIn(ServiceProcess.freePort());

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("meridian.auth.passkeys.allowed-origins", () -> BASE);
        registry.add(
                "spring.cloud.discovery.client.simple.instances.user-service[0].uri",
                () -> "http://127.0.0.1:" + USER_SERVICE.port());
    }

    @AfterAll
    static void close() {
        USER_SERVICE.close();
    }

    @Test
    void aPasskeyAddedInTheBrowserSignsInWithoutAPasswordAndAsTheSecondStep() throws IOException {
        assumeTrue(HeadlessChromium.installed(), HeadlessChromium.MISSING);
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        ChromeDriver browser = HeadlessChromium.start(1280, 900);
        try {
            VirtualAuthenticator authenticator = browser.addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                    .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                    .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                    .setHasResidentKey(true)
                    .setHasUserVerification(true)
                    .setIsUserVerified(true));

            browser.get(BASE + "/account/second-factor");
            signIn(browser, user.email());
            await().atMost(SOON).until(() -> browser.getTitle().startsWith("Two-step sign-in"));
            browser.findElement(By.id("passkey-label")).sendKeys("Work laptop");
            browser.findElement(By.id("add-passkey")).click();
            // The new passkey is now a second factor this password-only sign-in lacks: it is asked for once, which
            // also proves it works, and the browser goes on to the page.
            await().atMost(SOON).until(() -> browser.getCurrentUrl().contains("/login/second-factor"));
            browser.findElement(By.id("use-passkey")).click();
            await().atMost(SOON).until(() -> browser.getCurrentUrl().contains("passkey-added"));
            assertThat(browser.findElement(By.id("passkey-list")).getText()).contains("Work laptop");
            screenshot(browser, "passkey-added");
            assertThat(authenticator.getCredentials()).hasSize(1);
            assertThat(jdbc.sql("select count(*) from user_credentials c join user_entities e"
                                    + " on c.user_entity_user_id = e.id where e.name = ?")
                            .param(user.id().toString())
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);

            // Without a password: the login page's passkey button, in an authorization code flow.
            forgetSession(browser);
            browser.get(BASE + "/oauth2/authorize?" + authorizationRequest());
            await().atMost(SOON).until(() -> browser.getTitle().equals("Sign in to Meridian"));
            screenshot(browser, "passkey-sign-in");
            browser.findElement(By.id("passkey")).click();
            JsonNode passwordless = tokens(codeFrom(browser));
            assertThat(claims(passwordless, "access_token").get("amr").toString())
                    .isEqualTo("[\"hwk\",\"user\"]");
            assertThat(claims(passwordless, "id_token").get("acr").asString()).isEqualTo("urn:meridian:acr:mfa");
            assertThat(claims(passwordless, "access_token").get("sub").asString())
                    .isEqualTo(user.id().toString());

            // After the password the passkey is the second step: no code until it is given.
            forgetSession(browser);
            browser.get(BASE + "/oauth2/authorize?" + authorizationRequest());
            signIn(browser, user.email());
            await().atMost(SOON).until(() -> browser.getCurrentUrl().contains("/login/second-factor"));
            assertThat(browser.findElements(By.id("app")))
                    .as("no authenticator app set up")
                    .isEmpty();
            screenshot(browser, "passkey-challenge");
            browser.findElement(By.id("use-passkey")).click();
            JsonNode twoSteps = tokens(codeFrom(browser));
            assertThat(claims(twoSteps, "access_token").get("amr").toString()).isEqualTo("[\"pwd\",\"hwk\"]");
            assertThat(claims(twoSteps, "access_token").get("acr").asString()).isEqualTo("urn:meridian:acr:mfa");

            // An authenticator that did not verify its user (no PIN, no biometric) is not enough.
            authenticator.setUserVerified(false);
            forgetSession(browser);
            browser.get(BASE + "/login");
            browser.findElement(By.id("passkey")).click();
            await().atMost(SOON)
                    .until(() -> browser.findElement(By.id("passkey-status")).isDisplayed());
            assertThat(browser.getCurrentUrl()).endsWith("/login");
            authenticator.setUserVerified(true);

            // A deactivated account: the passkey still verifies, user-service's word refuses the sign-in.
            USER_SERVICE.change(user.id(), "DEACTIVATED", Set.of("USER"));
            browser.navigate().refresh();
            browser.findElement(By.id("passkey")).click();
            await().atMost(SOON)
                    .until(() -> browser.findElement(By.id("passkey-status")).isDisplayed());
            assertThat(browser.findElement(By.id("passkey-status")).getText()).contains("not accepted");
            USER_SERVICE.change(user.id(), "ACTIVE", Set.of("USER"));

            // Removed on the page (signed in with the passkey: a recent sign-in).
            browser.findElement(By.id("passkey")).click();
            await().atMost(SOON).until(() -> !browser.getCurrentUrl().endsWith("/login"));
            browser.get(BASE + "/account/second-factor");
            // Recovery codes stand in for the passkey: the last factor gone (no app here), they go too.
            jdbc.sql("insert into recovery_codes (user_id, code_hash) values (?, ?)")
                    .params(user.id(), "0".repeat(64))
                    .update();
            browser.findElement(By.cssSelector("#passkey-list .remove-passkey")).click();
            await().atMost(SOON).until(() -> browser.getCurrentUrl().contains("passkey-removed"));
            assertThat(browser.findElements(By.id("passkey-list"))).isEmpty();
            assertThat(jdbc.sql("select count(*) from recovery_codes where user_id = ?")
                            .param(user.id())
                            .query(Long.class)
                            .single())
                    .isZero();
        } finally {
            browser.quit();
        }
        // Removing ends the token sessions the passkey signed in (sessions-revoked): only the factor events here.
        List<ConsumerRecord<String, String>> events = userEvents(user.id().toString(), 3).stream()
                .filter(event ->
                        TopicReader.header(event, CloudEventHeaders.TYPE).contains("second-factor"))
                .toList();
        assertThat(events)
                .extracting(event -> TopicReader.header(event, CloudEventHeaders.TYPE))
                .containsExactly(SecondFactorEnrolled.TYPE, SecondFactorRemoved.TYPE);
        assertThat(events).allSatisfy(event -> assertThat(event.value()).contains("\"factor\":\"passkey\""));
    }

    @Test
    void passkeyEndpointsRefuseAnonymousRegistrationForgedRequestsAndAssertionsWithoutAChallenge() {
        HttpClient http = HttpClient.newHttpClient();
        assertThat(post(http, "/webauthn/authenticate/options", "", Map.of()).statusCode())
                .as("no CSRF token")
                .isEqualTo(403);
        assertThat(post(http, "/webauthn/register", "{}", Map.of()).statusCode())
                .isEqualTo(403);

        Browser anonymous = new Browser(BASE, CodeFlow.CLIENT, CodeFlow.REDIRECT_URI);
        String csrf = SecondFactorIT.csrf(anonymous.get("/login"));
        HttpResponse<String> login = anonymous.postJson("/login/webauthn", ASSERTION, csrf);
        assertThat(login.statusCode())
                .as("an assertion for no challenge of this session")
                .isEqualTo(401);
        HttpResponse<String> register = anonymous.postJson("/webauthn/register/options", "", csrf);
        assertThat(register.statusCode()).as("registration needs a sign-in").isIn(400, 401, 403);
        assertThat(register.body()).doesNotContain("challenge");
    }

    @Test
    void malformedAndForgedPasskeyRequestsGetProblemsNotBareStatusesOr500s() {
        Browser anonymous = new Browser(BASE, CodeFlow.CLIENT, CodeFlow.REDIRECT_URI);
        String anonymousCsrf = SecondFactorIT.csrf(anonymous.get("/login"));
        assertProblem(anonymous.postJson("/login/webauthn", ASSERTION, anonymousCsrf), 401);
        assertProblem(anonymous.postJson("/login/webauthn", "{not json", anonymousCsrf), 401);
        assertProblem(anonymous.postJson("/webauthn/register/options", "", anonymousCsrf), 400);

        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Browser browser = new Browser(BASE, CodeFlow.CLIENT, CodeFlow.REDIRECT_URI);
        browser.get("/account/second-factor");
        browser.login(user.email(), PASSWORD);
        String csrf = SecondFactorIT.csrf(browser.get("/account/second-factor"));
        assertProblem(browser.postJson("/webauthn/register", "{not json", csrf), 400);
        assertProblem(browser.postJson("/webauthn/register", FORGED_REGISTRATION, csrf), 400);
        HttpResponse<String> options = browser.postJson("/webauthn/register/options", "", csrf);
        assertThat(options.statusCode()).as(options.body()).isEqualTo(200);
        assertProblem(browser.postJson("/webauthn/register", FORGED_REGISTRATION, csrf), 400);
        assertProblem(browser.deleteJson("/webauthn/register/not*base64url", csrf), 400);
        assertThat(jdbc.sql("select count(*) from user_credentials c join user_entities e"
                                + " on e.id = c.user_entity_user_id where e.name = ?")
                        .param(user.id().toString())
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":" + status);
    }

    /** A registration whose attestation and client data are bytes no authenticator made, for the session's challenge. */
    private static final String FORGED_REGISTRATION = """
            {"publicKey":{"credential":{"id":"AAEC","rawId":"AAEC","type":"public-key","clientExtensionResults":{},
             "authenticatorAttachment":"platform",
             "response":{"attestationObject":"AAEC","clientDataJSON":"AAEC","transports":["internal"]}},
             "label":"Forged"}}
            """;

    @Test
    void aUserCannotRemoveAnotherUsersPasskey() {
        var owner = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        String credentialId = base64Url(UUID.randomUUID());
        String userHandle = base64Url(UUID.randomUUID());
        jdbc.sql("insert into user_entities (id, name, display_name) values (?, ?, ?)")
                .params(userHandle, owner.id().toString(), "owner")
                .update();
        jdbc.sql("""
                        insert into user_credentials (credential_id, user_entity_user_id, public_key, backup_eligible,
                          backup_state, authenticator_transports, created, last_used, label)
                          values (?, ?, ?, false, false, 'internal', now(), now(), 'Phone')
                        """).params(credentialId, userHandle, new byte[] {1}).update();
        var other = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Browser browser = new Browser(BASE, CodeFlow.CLIENT, CodeFlow.REDIRECT_URI);
        browser.get("/account/second-factor");
        browser.login(other.email(), PASSWORD);
        HttpResponse<String> page = browser.get("/account/second-factor");
        HttpResponse<String> removal = browser.post(
                "/account/second-factor/passkeys/remove",
                Map.of("id", credentialId, "_csrf", SecondFactorIT.csrf(page)));
        assertThat(removal.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(to).doesNotContain("passkey-removed"));
        // Spring's own removal endpoint, asked for the owner's credential by another user's session.
        HttpResponse<String> springsRemoval =
                browser.deleteJson("/webauthn/register/" + credentialId, SecondFactorIT.csrf(page));
        assertThat(springsRemoval.statusCode()).as(springsRemoval.body()).isBetween(400, 499);
        assertThat(jdbc.sql("select count(*) from user_credentials where credential_id = ?")
                        .param(credentialId)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    private static String base64Url(UUID id) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(id.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** A well-formed assertion whose challenge no session of this server made. */
    private static final String ASSERTION = """
            {"id":"AAEC","rawId":"AAEC","credType":"public-key","clientExtensionResults":{},
             "response":{"authenticatorData":"AAEC","clientDataJSON":"AAEC","signature":"AAEC"}}
            """;

    private static HttpResponse<String> post(HttpClient http, String path, String body, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(BASE + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return OAuthHttp.send(http, request, Duration.ofSeconds(15));
    }

    /** A fresh start at this server: its cookies go (deleteAllCookies clears the current page's site only). */
    private static void forgetSession(ChromeDriver browser) {
        browser.get(BASE + "/login");
        browser.manage().deleteAllCookies();
    }

    private static void signIn(ChromeDriver browser, String email) {
        await().atMost(SOON).until(() -> browser.getTitle().equals("Sign in to Meridian"));
        browser.findElement(By.id("username")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
    }

    private static String authorizationRequest() {
        return OAuthHttp.form(new Browser(BASE, CodeFlow.CLIENT, CodeFlow.REDIRECT_URI)
                .authorizationRequest(OAuthHttp.challenge(Browser.VERIFIER)));
    }

    /** The code the authorization server redirected the browser to the client with (no page answers there). */
    private static String codeFrom(ChromeDriver browser) {
        await().atMost(SOON).until(() -> browser.getCurrentUrl().startsWith(CodeFlow.REDIRECT_URI));
        Map<String, String> query = new HashMap<>();
        for (String pair : URI.create(browser.getCurrentUrl()).getRawQuery().split("&")) {
            String[] parts = pair.split("=", 2);
            query.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
        assertThat(query.get("state")).isEqualTo(Browser.STATE);
        return query.get("code");
    }

    private static JsonNode tokens(String code) {
        HttpResponse<String> tokens = OAuthHttp.send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(BASE + "/oauth2/token"))
                        .header("Authorization", OAuthHttp.basic(CodeFlow.CLIENT, CodeFlow.SECRET))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(OAuthHttp.form(Map.of(
                                "grant_type",
                                "authorization_code",
                                "code",
                                code,
                                "redirect_uri",
                                CodeFlow.REDIRECT_URI,
                                "code_verifier",
                                Browser.VERIFIER)))),
                Duration.ofSeconds(15));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return JSON.readTree(tokens.body());
    }

    private static JsonNode claims(JsonNode tokens, String which) {
        return JSON.readTree(
                Base64.getUrlDecoder().decode(tokens.get(which).asString().split("\\.")[1]));
    }

    private static List<ConsumerRecord<String, String>> userEvents(String user, int count) {
        try (var events = new TopicReader(KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC)) {
            return events.readKey(user, count, Duration.ofSeconds(30));
        }
    }

    private static void screenshot(ChromeDriver browser, String name) throws IOException {
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.createDirectories(file.getParent());
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    }
}
