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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The "delete account" page against a real user-service (its packaged jar) that checks the password and deletes the
 * account: signed-in only, CSRF-protected, re-authentication with the current password, and afterwards the account
 * is gone (the same password signs in no more) and this browser is signed out. In headless Chromium too, with a
 * screenshot for the docs.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "meridian.auth.issuer=" + DeleteAccountPageIT.ISSUER,
            "meridian.auth.clients[0].client-id=web",
            "meridian.auth.clients[0].secret=a-long-web-client-secret",
            "meridian.auth.clients[0].grant-types=authorization_code,refresh_token",
            "meridian.auth.clients[0].scopes=openid,profile",
            "meridian.auth.clients[0].audiences=user-service",
            "meridian.auth.clients[0].redirect-uris=" + DeleteAccountPageIT.REDIRECT_URI
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class DeleteAccountPageIT {

    static final String ISSUER = "http://gateway.test:8080";
    static final String REDIRECT_URI = "http://127.0.0.1:9999/callback";
    private static final String PASSWORD = "correct horse battery staple";
    private static final Path SCREENSHOT = Path.of("../docs/screenshots/delete-account.png");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final int USER_SERVICE_PORT = ServiceProcess.freePort();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, Object> USER_SERVICE_INFRASTRUCTURE = new HashMap<>();
    private static ServiceProcess userService;

    static {
        for (var server : List.of(POSTGRES, REDIS, KAFKA)) {
            USER_SERVICE_INFRASTRUCTURE.putAll(server.springProperties("user-service-for-deletion"));
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    LoadBalancerClientFactory loadBalancers;

    @DynamicPropertySource
    static void userService(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.cloud.discovery.client.simple.instances.user-service[0].uri",
                () -> "http://127.0.0.1:" + USER_SERVICE_PORT);
    }

    @BeforeEach
    void startUserService() throws Exception {
        if (userService == null || !userService.isAlive()) {
            userService = UserServiceJar.start(
                    USER_SERVICE_INFRASTRUCTURE, USER_SERVICE_PORT, port, ISSUER, "delete-account-page-it");
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
    void notSignedInThePageSendsTheBrowserToSignIn() {
        HttpResponse<String> page = new Browser(base(), "web", REDIRECT_URI).get("/account/delete");

        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
    }

    @Test
    void theOwnerDeletesTheAccountWithTheCurrentPasswordAndCanNoLongerSignIn() {
        String email = signUp();
        Browser browser = signedIn(email);
        String csrf = csrf(browser.get("/account/delete"));

        HttpResponse<String> forged =
                browser.post("/account/delete", Map.of("currentPassword", PASSWORD, "confirmed", "true"));
        HttpResponse<String> unconfirmed =
                browser.post("/account/delete", Map.of("currentPassword", PASSWORD, "_csrf", csrf));
        HttpResponse<String> wrong = browser.post(
                "/account/delete", Map.of("currentPassword", "a guess at it", "confirmed", "true", "_csrf", csrf));
        assertThat(forged.statusCode()).as("no CSRF token").isEqualTo(403);
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).contains("That is not your current password.");
        assertThat(new Browser(base(), "web", REDIRECT_URI).authorize(email, PASSWORD))
                .isNotBlank();

        HttpResponse<String> deleted = browser.post(
                "/account/delete", Map.of("currentPassword", PASSWORD, "confirmed", "true", "_csrf", csrf));

        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.body()).contains("Account deleted");
        assertThat(browser.get("/account/delete").statusCode())
                .as("this browser is signed out")
                .isEqualTo(302);
        var again = new Browser(base(), "web", REDIRECT_URI);
        again.startAuthorization();
        assertThat(again.login(email, PASSWORD).headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/login?error"));
    }

    @Test
    void aPersonDeletesTheirAccountInARealBrowserWithoutJavaScript() throws IOException {
        assumeTrue(HeadlessChromium.installed(), HeadlessChromium.MISSING);
        String email = signUp();
        ChromeDriver browser = HeadlessChromium.start(1280, 720);
        try {
            browser.get(base() + "/account/delete");
            assertThat(browser.getTitle()).as("not signed in: the login page").isEqualTo("Sign in to Meridian");
            browser.findElement(By.id("username")).sendKeys(email);
            browser.findElement(By.id("password")).sendKeys(PASSWORD);
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> browser.getTitle().equals("Delete your account"));
            browser.findElement(By.id("currentPassword")).sendKeys(PASSWORD);
            browser.findElement(By.id("confirmed")).click();
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));

            browser.findElement(By.id("delete")).click();

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> browser.getTitle().equals("Account deleted"));
        } finally {
            browser.quit();
        }
    }

    private Browser signedIn(String email) {
        var browser = new Browser(base(), "web", REDIRECT_URI);
        browser.startAuthorization();
        assertThat(browser.login(email, PASSWORD).statusCode()).isEqualTo(302);
        return browser;
    }

    private static String csrf(HttpResponse<String> page) {
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).as("the form's CSRF token").isTrue();
        return csrf.group(1);
    }

    private String signUp() {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        HttpResponse<String> created = OAuthHttp.send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + USER_SERVICE_PORT + "/api/users"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"email\":\"%s\",\"name\":\"Test User\",\"password\":\"%s\"}"
                                        .formatted(email, PASSWORD))),
                Duration.ofSeconds(15));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).get("id").asString()).isNotBlank();
        return email;
    }

    private String base() {
        return "http://localhost:" + port;
    }
}
