package dev.meridian.auth;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.RefreshTokenReused;
import dev.meridian.events.UserEvents;
import dev.meridian.testkit.HeadlessChromium;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import dev.meridian.testkit.TopicReader;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The authorization code flow with PKCE, driven over HTTP as a browser and a client would, against a real
 * user-service (its packaged jar, which the reactor builds before this module) that checks the passwords.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "meridian.auth.issuer=" + LoginIT.ISSUER,
            "meridian.auth.keys.encryption-password=test-password",
            "meridian.auth.keys.encryption-salt=0123456789abcdef",
            "meridian.auth.clients[0].client-id=web",
            "meridian.auth.clients[0].secret=" + LoginIT.WEB_SECRET,
            "meridian.auth.clients[0].grant-types=authorization_code,refresh_token",
            "meridian.auth.clients[0].scopes=openid,profile",
            "meridian.auth.clients[0].audiences=user-service,audit-service",
            "meridian.auth.clients[0].redirect-uris=" + LoginIT.REDIRECT_URI,
            "meridian.auth.clients[1].client-id=cli",
            "meridian.auth.clients[1].grant-types=urn:ietf:params:oauth:grant-type:device_code",
            "meridian.auth.clients[1].scopes=profile",
            "meridian.auth.clients[1].audiences=user-service"
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class LoginIT {

    static final String ISSUER = "http://gateway.test:8080";
    static final String WEB_SECRET = "a-long-web-client-secret";
    static final String REDIRECT_URI = "http://127.0.0.1:9999/callback";
    private static final int USER_SERVICE_PORT = ServiceProcess.freePort();
    /** A second user-service instance, listed throughout and started by the test that kills it. */
    private static final int SECOND_USER_SERVICE_PORT = ServiceProcess.freePort();

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ALERT = Pattern.compile("<p[^>]*\\brole=\"alert\"[^>]*>([^<]*)</p>");
    private static ServiceProcess userService;
    /** One database for user-service across its restarts: the users signed up before a restart are still there. */
    private static final Map<String, Object> USER_SERVICE_INFRASTRUCTURE = new HashMap<>();

    static {
        for (var server : List.of(POSTGRES, REDIS, KAFKA)) {
            USER_SERVICE_INFRASTRUCTURE.putAll(server.springProperties("user-service-for-login"));
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    LoadBalancerClientFactory loadBalancers;

    @DynamicPropertySource
    static void userService(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.cloud.discovery.client.simple.instances.user-service[0].uri",
                () -> "http://127.0.0.1:" + USER_SERVICE_PORT);
        registry.add(
                "spring.cloud.discovery.client.simple.instances.user-service[1].uri",
                () -> "http://127.0.0.1:" + SECOND_USER_SERVICE_PORT);
    }

    @BeforeEach
    void startUserService() throws Exception {
        if (userService == null || !userService.isAlive()) {
            userService = startUserServiceTrusting(port);
        }
        UserServiceJar.awaitBalancedTo(loadBalancers, USER_SERVICE_PORT);
    }

    @AfterAll
    static void stopUserService() throws InterruptedException {
        if (userService != null) {
            userService.close();
        }
    }

    @Test
    void signsInThroughTheLoginPageAndExchangesTheCodeWithPkceForTokens() {
        SignedUp user = signUp("correct horse battery staple");
        var browser = browser();

        String code = browser.authorize(user.email(), "correct horse battery staple");
        JsonNode tokens = exchange(code);

        Jwt access = decoder().decode(tokens.get("access_token").asString());
        assertThat(access.getIssuer()).hasToString(ISSUER);
        assertThat(access.getAudience()).containsExactlyInAnyOrder("user-service", "audit-service");
        assertThat(access.getClaimAsStringList("roles")).containsExactly("USER");
        assertThat(access.getSubject())
                .as("the signed-up user")
                .isEqualTo(user.id().toString());
        assertThat(access.getHeaders()).containsEntry("typ", "at+jwt");
        Jwt id = NimbusJwtDecoder.withJwkSetUri(base() + "/oauth2/jwks")
                .build()
                .decode(tokens.get("id_token").asString());
        assertThat(id.getSubject()).isEqualTo(user.id().toString());
        assertThat(id.getHeaders().get("typ"))
                .as("an ID token is not typed as an access token")
                .isNotEqualTo("at+jwt");
        assertThat(tokens.get("id_token").asString()).isNotBlank();
        assertThat(tokens.get("refresh_token").asString()).isNotBlank();
        assertThat(tokens.get("expires_in").asInt()).isBetween(890, 900);
    }

    @Test
    void refreshTokensRotateAndAReusedOneRevokesTheWholeFamily() {
        String email = signUp("correct horse battery staple").email();
        JsonNode first = exchange(browser().authorize(email, "correct horse battery staple"));
        String original = first.get("refresh_token").asString();

        HttpResponse<String> rotated = tokenRequest(Map.of("grant_type", "refresh_token", "refresh_token", original));
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        JsonNode second = JSON.readTree(rotated.body());
        String successor = second.get("refresh_token").asString();
        assertThat(successor).isNotEqualTo(original);
        assertThat(introspect(second.get("access_token").asString())
                        .get("active")
                        .asBoolean())
                .isTrue();

        HttpResponse<String> replay = tokenRequest(Map.of("grant_type", "refresh_token", "refresh_token", original));

        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(replay.body()).get("error").asString()).isEqualTo("invalid_grant");
        HttpResponse<String> afterReuse =
                tokenRequest(Map.of("grant_type", "refresh_token", "refresh_token", successor));
        assertThat(afterReuse.statusCode())
                .as("the family's current refresh token")
                .isEqualTo(400);
        assertThat(introspect(second.get("access_token").asString())
                        .get("active")
                        .asBoolean())
                .as("the family's current access token")
                .isFalse();
        String user = decoder().decode(second.get("access_token").asString()).getSubject();
        try (var events = new TopicReader(KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC)) {
            List<ConsumerRecord<String, String>> reported =
                    events
                            .readUntil(all -> all.stream().anyMatch(e -> isReuseOf(e, user)), Duration.ofSeconds(30))
                            .stream()
                            .filter(e -> isReuseOf(e, user))
                            .toList();
            assertThat(reported)
                    .as("the reuse reported for the user's audit log")
                    .hasSize(1);
            assertThat(TopicReader.header(reported.getFirst(), CloudEventHeaders.SOURCE))
                    .isEqualTo(UserEvents.AUTH_SOURCE);
            assertThat(JSON.readTree(reported.getFirst().value())
                            .get("clientId")
                            .asString())
                    .isEqualTo("web");
        }
    }

    private static boolean isReuseOf(ConsumerRecord<String, String> event, String user) {
        return user.equals(event.key())
                && RefreshTokenReused.TYPE.equals(TopicReader.header(event, CloudEventHeaders.TYPE));
    }

    @Test
    void aCommandLineClientGetsTokensThroughTheDeviceFlowOnceTheUserApprovesInABrowser() {
        String email = signUp("correct horse battery staple").email();
        JsonNode device = startDeviceAuthorization();
        Map<String, String> poll = devicePoll(device);

        HttpResponse<String> tooEarly = publicPost("/oauth2/token", poll);
        assertThat(tooEarly.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooEarly.body()).get("error").asString()).isEqualTo("authorization_pending");

        var browser = browser();
        URI verification = URI.create(device.get("verification_uri_complete").asString());
        HttpResponse<String> toLogin = browser.get(verification.getRawPath() + "?" + verification.getRawQuery());
        assertThat(toLogin.statusCode()).isEqualTo(302);
        HttpResponse<String> login = browser.login(email, "correct horse battery staple");
        String back = login.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> consentPage = browser.get(
                URI.create(back).getRawPath() + "?" + URI.create(back).getRawQuery());
        assertThat(consentPage.body())
                .as("the user confirms the code shown on the device")
                .contains(device.get("user_code").asString());
        Matcher state = Pattern.compile("name=\"state\" value=\"([^\"]+)\"").matcher(consentPage.body());
        assertThat(state.find()).isTrue();
        HttpResponse<String> approved = browser.post(
                "/oauth2/device_verification",
                Map.of(
                        "client_id",
                        "cli",
                        "state",
                        state.group(1),
                        "user_code",
                        device.get("user_code").asString(),
                        "scope",
                        "profile"));
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(302);

        HttpResponse<String> tokens = publicPost("/oauth2/token", poll);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        Jwt access = decoder()
                .decode(JSON.readTree(tokens.body()).get("access_token").asString());
        assertThat(access.getClaimAsStringList("roles")).containsExactly("USER");
        assertThat(access.getAudience()).containsExactly("user-service");
    }

    @Test
    void aMistypedUserCodeApprovesNothingAndTheDeviceKeepsWaiting() {
        String email = signUp("correct horse battery staple").email();
        JsonNode device = startDeviceAuthorization();
        String userCode = device.get("user_code").asString();
        // One letter off, as a person misreading the device's screen would type it.
        String mistyped = (userCode.charAt(0) == 'B' ? "C" : "B") + userCode.substring(1);
        var browser = browser();
        URI verification = URI.create(device.get("verification_uri").asString());
        assertThat(browser.get(verification.getRawPath() + "?user_code=" + mistyped)
                        .statusCode())
                .isEqualTo(302);
        String back = browser.login(email, "correct horse battery staple")
                .headers()
                .firstValue("Location")
                .orElseThrow();

        HttpResponse<String> refused = browser.get(
                URI.create(back).getRawPath() + "?" + URI.create(back).getRawQuery());

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).doesNotContain(userCode);
        HttpResponse<String> stillWaiting = publicPost("/oauth2/token", devicePoll(device));
        assertThat(JSON.readTree(stillWaiting.body()).get("error").asString()).isEqualTo("authorization_pending");
    }

    private JsonNode startDeviceAuthorization() {
        HttpResponse<String> started = send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/device_authorization"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("client_id", "cli", "scope", "profile")))));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        return JSON.readTree(started.body());
    }

    /** The device's poll of the token endpoint for the authorization {@code device} started. */
    private static Map<String, String> devicePoll(JsonNode device) {
        return Map.of(
                "grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                "device_code", device.get("device_code").asString(),
                "client_id", "cli");
    }

    @Test
    void aRevokedAccessTokenIsRefusedByTheUserInfoEndpoint() {
        String email = signUp("correct horse battery staple").email();
        JsonNode tokens = exchange(browser().authorize(email, "correct horse battery staple"));
        String access = tokens.get("access_token").asString();
        assertThat(userInfo(access).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = clientPost("/oauth2/revoke", Map.of("token", access));

        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(userInfo(access).statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> userInfo(String accessToken) {
        return send(HttpRequest.newBuilder(URI.create(base() + "/userinfo"))
                .header("Authorization", "Bearer " + accessToken)
                .GET());
    }

    @Test
    void loggingOutRevokesTheTokensTheSessionHandedOut() {
        String email = signUp("correct horse battery staple").email();
        var browser = browser();
        JsonNode tokens = exchange(browser.authorize(email, "correct horse battery staple"));

        HttpResponse<String> logout = browser.get("/connect/logout?"
                + form(Map.of("id_token_hint", tokens.get("id_token").asString(), "client_id", "web")));

        assertThat(logout.statusCode()).as(logout.body()).isIn(200, 302);
        assertThat(introspect(tokens.get("access_token").asString())
                        .get("active")
                        .asBoolean())
                .isFalse();
        HttpResponse<String> refresh = tokenRequest(Map.of(
                "grant_type",
                "refresh_token",
                "refresh_token",
                tokens.get("refresh_token").asString()));
        assertThat(refresh.statusCode()).isEqualTo(400);
    }

    @Test
    void aPersonSignsInOnTheLoginPageInARealBrowserAndIsRedirectedWithACode() {
        assumeTrue(HeadlessChromium.installed(), HeadlessChromium.MISSING);
        String email = signUp("correct horse battery staple").email();
        HeadlessChromium.use(800, 600, browser -> {
            browser.get(base() + "/oauth2/authorize?"
                    + form(Map.of(
                            "response_type", "code",
                            "client_id", "web",
                            "redirect_uri", REDIRECT_URI,
                            "scope", "openid",
                            "state", "af0ifjsldkj",
                            "code_challenge", OAuthHttp.challenge(Browser.VERIFIER),
                            "code_challenge_method", "S256")));
            assertThat(browser.getTitle()).isEqualTo("Sign in to Meridian");

            signIn(browser, email, "not the right password");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> !browser.findElements(By.cssSelector("[role=alert]"))
                            .isEmpty());
            assertThat(browser.findElement(By.cssSelector("[role=alert]")).getText())
                    .isEqualTo("Wrong email or password");

            signIn(browser, email, "correct horse battery staple");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> browser.getCurrentUrl().startsWith(REDIRECT_URI));
            assertThat(browser.getCurrentUrl()).contains("code=").contains("state=af0ifjsldkj");
        });
    }

    private static void signIn(WebDriver browser, String email, String password) {
        browser.findElement(By.id("username")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
    }

    @Test
    void aWrongPasswordSendsTheUserBackToTheLoginPageWithAnError() {
        String email = signUp("correct horse battery staple").email();
        var browser = browser();
        browser.startAuthorization();

        HttpResponse<String> login = browser.login(email, "wrong password entirely");

        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/login?error"));
        assertThat(alertOn(browser.get("/login?error"))).isEqualTo("Wrong email or password");
    }

    /**
     * The text of the page's {@code role="alert"} paragraph, or null when it has none. Not {@code contains("alert")}:
     * the page's own style sheet has {@code .alert}, so that would be true of every login page.
     */
    private static String alertOn(HttpResponse<String> page) {
        assertThat(page.statusCode()).isEqualTo(200);
        Matcher alert = ALERT.matcher(page.body());
        return alert.find() ? alert.group(1).strip() : null;
    }

    @Test
    void aLockedEmailIsToldToWaitOnTheLoginPageAndEvenTheRightPasswordDoesNotSignIn() {
        String email = signUp("correct horse battery staple").email();
        var browser = browser();
        browser.startAuthorization();
        // user-service's throttle: five free failures, then a lock that doubles with every further one.
        for (int guess = 0; guess < 12; guess++) {
            browser.login(email, "wrong password " + guess);
        }

        HttpResponse<String> login = browser.login(email, "correct horse battery staple");

        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/login?error"));
        assertThat(alertOn(browser.get("/login?error")))
                .isEqualTo("Too many failed sign-ins. Please wait a little and try again.");
    }

    @Test
    void aLoginWithoutTheCsrfTokenIsRefused() {
        var browser = browser();
        browser.startAuthorization();

        HttpResponse<String> forged = browser.post("/login", Map.of("username", "a@example.com", "password", "x"));

        assertThat(forged.statusCode()).isEqualTo(403);
    }

    /**
     * A user-service that accepts connections and never answers (a hung JVM, a full accept queue) is the case the
     * timeouts and the breaker exist for; a stopped one refuses in microseconds and proves neither. Each sign-in fails
     * within the credentials check's time bound (500 ms connect + 1.8 s read, application.yml), the breaker opens
     * after its minimum number of calls, and from then on a sign-in fails without waiting at all.
     */
    @Test
    void whileUserServiceHangsEachLoginFailsWithinItsTimeoutsThenTheBreakerOpensAndItRecoversByItself()
            throws Exception {
        String email = signUp("correct horse battery staple").email();
        userService.close();
        try (var silent = new ServerSocket(USER_SERVICE_PORT, 50, InetAddress.getLoopbackAddress())) {
            assertThat(breakerState()).as("closed before the outage").isEqualTo("closed");
            int failed = 0;
            // The breaker opens when half of the last 10 checks, and at least 5, failed: after 5 failures in a row it
            // is open whatever the window held before (earlier tests' successful checks).
            while (!"open".equals(breakerState()) && failed < 5) {
                Duration took = failedLogin(email);
                failed++;
                assertThat(took)
                        .as(
                                "failed sign-in %d waits no longer than the timeouts (2.3 s) and a loaded machine's margin",
                                failed)
                        .isLessThan(Duration.ofMillis(5_000));
            }
            assertThat(breakerState())
                    .as("the breaker after %d sign-ins against a silent user-service", failed)
                    .isEqualTo("open");

            assertThat(failedLogin(email))
                    .as("with the breaker open a sign-in does not wait for user-service at all")
                    .isLessThan(Duration.ofMillis(1_000));
        } finally {
            userService = startUserServiceTrusting(port);
        }

        // Back once its readiness probe answers (a call before that finds no instance and counts for the breaker),
        // and recovered once the breaker's trial calls succeeded: closed again, so no later test starts half-open.
        UserServiceJar.awaitBalancedTo(loadBalancers, USER_SERVICE_PORT);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    assertThat(browser().authorize(email, "correct horse battery staple"))
                            .isNotBlank();
                    assertThat(breakerState()).isEqualTo("closed");
                });
    }

    /**
     * Two user-services, one killed with {@code kill -9}: once its readiness probe fails — within about two seconds —
     * sign-ins reach only the survivor, and none fails. Without the probes the dead one stays listed until its
     * registry lease expires (15 s in dev, 90 s by default; here, with a static list, for ever) and every other
     * credentials check is sent to it.
     */
    @Test
    void withOneOfTwoUserServicesKilledEverySignInReachesTheSurvivorWithinSeconds() throws Exception {
        String email = signUp("correct horse battery staple").email();
        ServiceProcess second = UserServiceJar.start(
                USER_SERVICE_INFRASTRUCTURE, SECOND_USER_SERVICE_PORT, port, ISSUER, "login-it-second");
        try {
            UserServiceJar.awaitBalancedTo(loadBalancers, SECOND_USER_SERVICE_PORT);

            ProcessHandle.of(second.pid()).ifPresent(ProcessHandle::destroyForcibly);
            second.onExit().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !UserServiceJar.balancedOver(loadBalancers).contains(SECOND_USER_SERVICE_PORT));

            for (int signIn = 1; signIn <= 6; signIn++) {
                assertThat(browser().authorize(email, "correct horse battery staple"))
                        .as("sign-in %d after the kill", signIn)
                        .isNotBlank();
            }
            assertThat(breakerState()).isEqualTo("closed");
        } finally {
            second.close();
        }
    }

    /** One sign-in that user-service cannot answer: back to the login page saying so; answers how long it took. */
    private Duration failedLogin(String email) {
        var browser = browser();
        browser.startAuthorization();
        Instant start = Instant.now();
        HttpResponse<String> login = browser.login(email, "correct horse battery staple");
        Duration took = Duration.between(start, Instant.now());
        assertThat(login.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/login?error"));
        assertThat(alertOn(browser.get("/login?error")))
                .isEqualTo("Sign-in is temporarily unavailable. Please try again in a moment.");
        return took;
    }

    /** The state of the {@code user-service} breaker, as its documented metric reports it. */
    private String breakerState() {
        return meters.find("resilience4j.circuitbreaker.state").tag("name", "user-service").gauges().stream()
                .filter(gauge -> gauge.value() == 1)
                .map(gauge -> gauge.getId().getTag("state"))
                .findFirst()
                .orElseThrow();
    }

    private JsonNode exchange(String code) {
        HttpResponse<String> response = tokenRequest(Map.of(
                "grant_type",
                "authorization_code",
                "code",
                code,
                "redirect_uri",
                REDIRECT_URI,
                "code_verifier",
                Browser.VERIFIER));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> tokenRequest(Map<String, String> fields) {
        return clientPost("/oauth2/token", fields);
    }

    private JsonNode introspect(String token) {
        HttpResponse<String> response = clientPost("/oauth2/introspect", Map.of("token", token));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** A request of a public client, which has no secret to authenticate with. */
    private HttpResponse<String> publicPost(String path, Map<String, String> fields) {
        return send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
    }

    /** A request of the web client, authenticated with its secret. */
    private HttpResponse<String> clientPost(String path, Map<String, String> fields) {
        return send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", OAuthHttp.basic("web", WEB_SECRET))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
    }

    /** A user signed up at user-service: the id it gave and the email. */
    private record SignedUp(UUID id, String email) {}

    private SignedUp signUp(String password) {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        HttpResponse<String> created = send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + USER_SERVICE_PORT + "/api/users"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"%s\",\"name\":\"Test User\",\"password\":\"%s\"}".formatted(email, password))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new SignedUp(
                UUID.fromString(JSON.readTree(created.body()).get("id").asString()), email);
    }

    private NimbusJwtDecoder decoder() {
        return OAuthHttp.accessTokens(base() + "/oauth2/jwks");
    }

    private String base() {
        return "http://localhost:" + port;
    }

    /** A browser signing in for the web client. */
    private Browser browser() {
        return new Browser(base(), "web", REDIRECT_URI);
    }

    private static ServiceProcess startUserServiceTrusting(int authPort) throws Exception {
        return UserServiceJar.start(USER_SERVICE_INFRASTRUCTURE, USER_SERVICE_PORT, authPort, ISSUER, "login-it");
    }

    private static String form(Map<String, String> fields) {
        return OAuthHttp.form(fields);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        return send(HttpClient.newHttpClient(), request);
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) {
        return OAuthHttp.send(http, request, Duration.ofSeconds(15));
    }
}
