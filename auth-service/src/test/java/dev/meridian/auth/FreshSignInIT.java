package dev.meridian.auth;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.AuthenticatorApp;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * OIDC Core 3.1.2.1: an authorization request with {@code prompt=login}, or a {@code max_age} its browser's sign-in
 * is older than, gets no code from that sign-in; the person signs in again — once, a second factor included — and
 * the ID token's {@code auth_time} is the new sign-in's. A recent enough sign-in is taken as it is.
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
            "meridian.auth.clients[0].redirect-uris=" + CodeFlow.REDIRECT_URI
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class FreshSignInIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UserServiceStandIn USER_SERVICE = new UserServiceStandIn(ServiceProcess.freePort());

    @LocalServerPort
    int port;

    /** The PKCE verifier of this test's latest {@link #authorize} request. */
    private String verifier;

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
    void promptLoginSendsASignedInBrowserToSignInAgainOnceAndTheIdTokenSaysWhen() throws Exception {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Browser browser = browser();
        long firstSignIn = authTime(idToken(browser.authorize(user.email(), PASSWORD), Browser.VERIFIER));
        Thread.sleep(1_100); // auth_time is in whole seconds

        HttpResponse<String> asked = authorize(browser, Map.of("prompt", "login"));
        assertSentToLogin(asked);
        HttpResponse<String> login = browser.login(user.email(), PASSWORD);
        HttpResponse<String> authorized = followBack(browser, login);

        assertThat(authorized.headers().firstValue("Location"))
                .as("a code, not the login page again")
                .hasValueSatisfying(to -> assertThat(to).startsWith(CodeFlow.REDIRECT_URI));
        long secondSignIn = authTime(idToken(browser.redirectQuery(authorized).get("code"), verifier));
        assertThat(secondSignIn).isGreaterThan(firstSignIn);

        // The same browser's next request without prompt=login takes that sign-in as it is.
        assertThat(authorize(browser, Map.of()).headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(to).startsWith(CodeFlow.REDIRECT_URI));
        // And a new request asking again asks again, sent as a form (OIDC allows POST) too.
        assertSentToLogin(authorize(browser, Map.of("prompt", "login")));
        Map<String, String> posted = browser.authorizationRequest(OAuthHttp.challenge(Browser.VERIFIER + "-posted"));
        posted.put("prompt", "login");
        assertSentToLogin(browser.post("/oauth2/authorize", posted));
    }

    @Test
    void maxAgeTakesARecentEnoughSignInAndSendsAnOlderOneToSignInAgain() throws Exception {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Browser browser = browser();
        browser.authorize(user.email(), PASSWORD);

        HttpResponse<String> recent = authorize(browser, Map.of("max_age", "3600"));
        assertThat(recent.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(to).startsWith(CodeFlow.REDIRECT_URI));

        Thread.sleep(2_100);
        HttpResponse<String> tooOld = authorize(browser, Map.of("max_age", "1"));
        assertSentToLogin(tooOld);
        HttpResponse<String> again = followBack(browser, browser.login(user.email(), PASSWORD));
        assertThat(again.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(to).startsWith(CodeFlow.REDIRECT_URI));
        JsonNode idToken = claims(idToken(browser.redirectQuery(again).get("code"), verifier));
        assertThat(idToken.get("auth_time").asLong())
                .as("auth_time within max_age of now")
                .isGreaterThanOrEqualTo(System.currentTimeMillis() / 1000 - 5);
    }

    @Test
    void maxAgeZeroOrAMalformedMaxAgeBeforeAnySignInAsksForOneSignInOnly() {
        for (String maxAge : new String[] {"0", "soon", "-1"}) {
            var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
            Browser browser = browser();
            assertSentToLogin(authorize(browser, Map.of("max_age", maxAge)));
            HttpResponse<String> authorized = followBack(browser, browser.login(user.email(), PASSWORD));
            assertThat(authorized.headers().firstValue("Location"))
                    .as("max_age=%s: one sign-in, then the code", maxAge)
                    .hasValueSatisfying(to -> assertThat(to).startsWith(CodeFlow.REDIRECT_URI));
        }
    }

    @Test
    void promptLoginWithASecondFactorAsksForPasswordAndCodeOnceThenGivesTheCode() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        var app = SecondFactorIT.enrol(base(), user.email(), 0);
        Browser browser = app.browser();

        assertSentToLogin(authorize(browser, Map.of("prompt", "login")));
        HttpResponse<String> password = followBack(browser, browser.login(user.email(), PASSWORD));
        assertThat(password.headers().firstValue("Location"))
                .as("the second step")
                .hasValueSatisfying(to -> assertThat(URI.create(to).getPath()).isEqualTo("/login/second-factor"));
        HttpResponse<String> page = browser.get("/login/second-factor");
        HttpResponse<String> coded = browser.post(
                "/login/second-factor",
                Map.of(
                        "code",
                        AuthenticatorApp.code(app.secret(), AuthenticatorApp.step() + 1),
                        "_csrf",
                        SecondFactorIT.csrf(page)));
        HttpResponse<String> authorized = followBack(browser, coded);

        assertThat(authorized.headers().firstValue("Location"))
                .as("a code after the second step, not the login page again")
                .hasValueSatisfying(to -> assertThat(to).startsWith(CodeFlow.REDIRECT_URI));
        assertThat(claims(idToken(browser.redirectQuery(authorized).get("code"), verifier))
                        .get("acr")
                        .asString())
                .isEqualTo("urn:meridian:acr:mfa");
    }

    private Browser browser() {
        return new Browser(base(), CodeFlow.CLIENT, CodeFlow.REDIRECT_URI);
    }

    /** A new authorization request of this browser (its own PKCE challenge), with {@code extra} parameters. */
    private HttpResponse<String> authorize(Browser browser, Map<String, String> extra) {
        verifier = Browser.VERIFIER + UUID.randomUUID();
        Map<String, String> request = browser.authorizationRequest(OAuthHttp.challenge(verifier));
        request.putAll(extra);
        return browser.get("/oauth2/authorize?" + OAuthHttp.form(request));
    }

    private static void assertSentToLogin(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(URI.create(to).getPath()).isEqualTo("/login"));
    }

    /** Follows a login step's redirect back to the authorization request it came from. */
    private static HttpResponse<String> followBack(Browser browser, HttpResponse<String> step) {
        assertThat(step.statusCode()).as(step.body()).isEqualTo(302);
        URI back = URI.create(step.headers().firstValue("Location").orElseThrow());
        assertThat(back.getPath()).as("back to the authorization request").isEqualTo("/oauth2/authorize");
        HttpResponse<String> authorized = browser.get(back.getRawPath() + "?" + back.getRawQuery());
        assertThat(authorized.statusCode()).as(authorized.body()).isEqualTo(302);
        return authorized;
    }

    /** The code exchanged with the verifier of its request: the ID token. */
    private String idToken(String code, String verifier) {
        HttpResponse<String> tokens = OAuthHttp.send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(base() + "/oauth2/token"))
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
                                verifier)))),
                Duration.ofSeconds(15));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return JSON.readTree(tokens.body()).get("id_token").asString();
    }

    private static long authTime(String idToken) {
        return claims(idToken).get("auth_time").asLong();
    }

    private static JsonNode claims(String jwt) {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
