package dev.meridian.auth;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.testkit.HeadlessChromium;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The {@code /account/sessions} page: in a real headless Chromium (sign in, see the sessions, sign out of one, then
 * everywhere; the screenshot in {@code docs/screenshots/sessions.png} is taken here), and over HTTP for what a browser
 * would not send (a form without its CSRF token, another user's session id).
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
class SessionsPageIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final Path SCREENSHOT = Path.of("../docs/screenshots/sessions.png");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final Duration SOON = Duration.ofSeconds(15);
    private static final UserServiceStandIn USER_SERVICE = new UserServiceStandIn(ServiceProcess.freePort());

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

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
    void aPersonSeesTheirSessionsInARealBrowserSignsOutOfOneAndThenEverywhere() throws IOException {
        assumeTrue(HeadlessChromium.installed(), HeadlessChromium.MISSING);
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session laptop = signIn(
                user.email(),
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",
                "203.0.113.7");
        Session cli = signIn(user.email(), "meridian-cli/0.1 (curl 8.5)", "198.51.100.23");
        ChromeDriver browser = HeadlessChromium.start(1280, 720);
        try {
            browser.get(base() + "/account/sessions");
            assertThat(browser.getTitle()).as("not signed in: the login page").isEqualTo("Sign in to Meridian");
            browser.findElement(By.id("username")).sendKeys(user.email());
            browser.findElement(By.id("password")).sendKeys(PASSWORD);
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            await().atMost(SOON).until(() -> browser.getTitle().startsWith("Your sessions"));
            assertThat(browser.findElements(By.cssSelector("tr.session"))).hasSize(2);
            assertThat(row(browser, laptop).getText()).contains("203.0.113.7").contains("Chrome/156.0");
            assertThat(row(browser, cli).getText()).contains("198.51.100.23").contains("meridian-cli");
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));

            row(browser, laptop).findElement(By.cssSelector("button.end")).click();
            await().atMost(SOON)
                    .until(() -> !browser.findElements(By.cssSelector("[role=status]"))
                            .isEmpty());
            assertThat(browser.findElement(By.cssSelector("[role=status]")).getText())
                    .isEqualTo("Signed out of that session.");
            assertThat(browser.findElements(By.cssSelector("tr.session"))).hasSize(1);
            assertThat(ended(laptop)).isTrue();
            assertThat(listedAsRevoked(laptop)).isTrue();
            assertThat(ended(cli)).isFalse();

            browser.findElement(By.id("everywhere")).click();
            await().atMost(SOON).until(() -> browser.getCurrentUrl().endsWith("/login"));
            assertThat(ended(cli)).isTrue();
            assertThat(listedAsRevoked(cli)).isTrue();
            browser.get(base() + "/account/sessions");
            assertThat(browser.getTitle())
                    .as("everywhere includes this browser")
                    .isEqualTo("Sign in to Meridian");
        } finally {
            browser.quit();
        }
    }

    @Test
    void aSignOutWithoutTheCsrfTokenIsRefusedAndEndsNothing() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Session session = signIn(user.email(), "Laptop", null);
        Browser browser = signedInBrowser(user.email());

        HttpResponse<String> forged = browser.post("/account/sessions/" + session.id() + "/end", Map.of());
        HttpResponse<String> forgedEverywhere = browser.post("/account/sessions/end-all", Map.of());

        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forgedEverywhere.statusCode()).isEqualTo(403);
        assertThat(ended(session)).isFalse();
        assertThat(browser.get("/account/sessions").body()).contains(session.id());
    }

    @Test
    void anotherUsersSessionIdGetsTheNotFoundPageAndStaysSignedIn() {
        Session theirs = signIn(USER_SERVICE.add(PASSWORD, Set.of("USER")).email(), "Theirs", null);
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        Browser browser = signedInBrowser(user.email());
        HttpResponse<String> page = browser.get("/account/sessions");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("No app or device is signed in.").doesNotContain(theirs.id());

        HttpResponse<String> other =
                browser.post("/account/sessions/" + theirs.id() + "/end", Map.of("_csrf", csrf(page)));

        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.body()).contains("That session is not one of yours, or it has already ended.");
        assertThat(ended(theirs)).isFalse();
        assertThat(listedAsRevoked(theirs)).isFalse();
    }

    @Test
    void withoutSigningInThePageSendsTheBrowserToTheLoginPage() {
        Browser browser = new Browser(base(), CodeFlow.CLIENT, CodeFlow.REDIRECT_URI);

        HttpResponse<String> page = browser.get("/account/sessions");
        HttpResponse<String> post = browser.post("/account/sessions/end-all", Map.of());

        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(to).endsWith("/login"));
        assertThat(post.statusCode()).as("no session, so no CSRF token either").isEqualTo(403);
    }

    private record Session(String id, String refresh, String jti) {}

    private Session signIn(String email, String userAgent, String forwardedFor) {
        Map<String, String> headers = forwardedFor == null
                ? Map.of("User-Agent", userAgent)
                : Map.of("User-Agent", userAgent, "X-Forwarded-For", forwardedFor);
        JsonNode tokens = new CodeFlow(port).signIn(email, PASSWORD, headers);
        String access = tokens.get("access_token").asString();
        String jti =
                OAuthHttp.accessTokens(base() + "/oauth2/jwks").decode(access).getId();
        String id = jdbc.sql("select id from oauth2_authorization where access_token_value = ?")
                .param(access)
                .query(String.class)
                .single();
        return new Session(id, tokens.get("refresh_token").asString(), jti);
    }

    /** A browser (cookies, no redirects followed) signed in on the login page the sessions page sent it to. */
    private Browser signedInBrowser(String email) {
        Browser browser = new Browser(base(), CodeFlow.CLIENT, CodeFlow.REDIRECT_URI);
        assertThat(browser.get("/account/sessions").statusCode()).isEqualTo(302);
        HttpResponse<String> login = browser.login(email, PASSWORD);
        assertThat(login.statusCode()).isEqualTo(302);
        URI back = URI.create(login.headers().firstValue("Location").orElseThrow());
        assertThat(back.getPath()).as("back to the sessions page").isEqualTo("/account/sessions");
        return browser;
    }

    private static org.openqa.selenium.WebElement row(WebDriver browser, Session session) {
        return browser.findElement(By.cssSelector("tr.session[data-id='" + session.id() + "']"));
    }

    private static String csrf(HttpResponse<String> page) {
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).as("the page's forms carry the CSRF token").isTrue();
        return csrf.group(1);
    }

    private boolean ended(Session session) {
        return !new CodeFlow(port).introspect(session.refresh()).get("active").asBoolean();
    }

    private boolean listedAsRevoked(Session session) {
        return redis.opsForZSet().score(RevokedAccessTokens.KEY, session.jti()) != null;
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
