package dev.meridian.system;

import static dev.meridian.system.PlatformSmokeIT.PUBLIC_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meridian.testkit.HeadlessChromium;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.test.json.JsonContent;

/**
 * The gateway's Swagger UI signs a person in: Authorize, the login page in Swagger UI's window, back with a token,
 * and "Try it out" calls the API with it — in a real headless Chromium, against the platform {@link PlatformSmokeIT}
 * starts. Also what the dev client Swagger UI signs in as cannot be used for: without PKCE, or to send a code
 * anywhere but Swagger UI's own redirect page.
 */
class SwaggerUiSignInIT {

    private static final String CLIENT = "meridian-swagger-ui";
    private static final String REDIRECT = PUBLIC_URL + "/swagger-ui/oauth2-redirect.html";
    private static final String PASSWORD = "correct horse battery";
    private static final Duration SOON = Duration.ofSeconds(30);
    /** What the browser showed when a step failed, for the person reading the report. */
    private static final Path SCREENSHOT = Path.of("target", "swagger-ui-sign-in.png");

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @BeforeAll
    static void platform() throws Exception {
        PlatformSmokeIT.startThePlatform();
    }

    @Test
    void aPersonAuthorizesInSwaggerUiSignsInOnTheLoginPageAndTriesTheirOwnAccount() throws Exception {
        assumeTrue(HeadlessChromium.installed(), HeadlessChromium.MISSING);
        var app = new NativeAppSignIn(PUBLIC_URL, "127.0.0.90");
        String email = Accounts.uniqueEmail("swagger");
        assertThat(Accounts.signUp(app, email, "Swagger User", PASSWORD).statusCode())
                .isEqualTo(202);

        HeadlessChromium.use(1280, 1000, browser -> {
            try {
                browser.get(PUBLIC_URL + "/swagger-ui.html");
                click(browser, By.cssSelector(".auth-wrapper button.authorize"));
                WebElement clientId = visible(browser, By.cssSelector(".modal-ux input[id^=client_id]"));
                assertThat(clientId.getDomProperty("value")).isEqualTo(CLIENT);

                String ui = browser.getWindowHandle();
                click(browser, By.cssSelector(".modal-ux .auth-btn-wrapper button.authorize"));
                await().atMost(SOON).until(() -> browser.getWindowHandles().size() == 2);
                String signIn = browser.getWindowHandles().stream()
                        .filter(handle -> !handle.equals(ui))
                        .findFirst()
                        .orElseThrow();
                browser.switchTo().window(signIn);
                await().atMost(SOON).until(() -> "Sign in to Meridian".equals(browser.getTitle()));
                assertThat(browser.getCurrentUrl())
                        .as("the login page through the gateway")
                        .isEqualTo(PUBLIC_URL + "/login");
                browser.findElement(By.id("username")).sendKeys(email);
                browser.findElement(By.id("password")).sendKeys(PASSWORD);
                browser.findElement(By.cssSelector("button[type=submit]")).click();

                // Swagger UI's redirect page hands the code to the opener, which exchanges it, and closes itself.
                await().atMost(SOON).until(() -> browser.getWindowHandles().size() == 1);
                browser.switchTo().window(ui);
                visible(browser, By.xpath("//div[contains(@class,'modal-ux')]//h6[text()='Authorized']"));
                click(browser, By.cssSelector(".modal-ux .auth-btn-wrapper button.btn-done"));

                WebElement me = click(
                        browser,
                        By.xpath(
                                "//div[contains(@class,'opblock-get')]"
                                        + "[.//*[@data-path='/api/users/me']]//button[contains(@class,'opblock-summary-control')]"));
                WebElement operation = me.findElement(By.xpath("./ancestor::div[contains(@class,'opblock-get')]"));
                click(operation, By.cssSelector("button.try-out__btn"));
                click(operation, By.cssSelector("button.execute"));
                WebElement status =
                        visible(operation, By.cssSelector(".live-responses-table tr.response .response-col_status"));
                assertThat(status.getText().strip())
                        .as("GET /api/users/me with the token")
                        .isEqualTo("200");
                assertThat(operation
                                .findElement(By.cssSelector(".live-responses-table"))
                                .getText())
                        .as("the signed-in person's own account")
                        .contains(email);
            } catch (AssertionError | RuntimeException failed) {
                screenshot(browser);
                throw failed;
            }
        });
    }

    @Test
    void everyDocumentNamesItsServiceAndVersionAndTheSignInThroughTheGateway() throws Exception {
        for (String service : List.of("user-service", "audit-service", "notification-service")) {
            HttpResponse<String> docs = send(HttpRequest.newBuilder(URI.create(PUBLIC_URL + "/api-docs/" + service)));
            assertThat(docs.statusCode()).as(service).isEqualTo(200);
            var json = new JsonContent(docs.body());
            assertThat(json).extractingPath("$.info.title").asString().isEqualTo("Meridian " + service);
            assertThat(json)
                    .extractingPath("$.info.version")
                    .asString()
                    .isEqualTo(System.getProperty("meridian.version"));
            assertThat(json).extractingPath("$.info.description").asString().isNotBlank();
            assertThat(json)
                    .extractingPath("$.components.securitySchemes.meridian.flows.authorizationCode")
                    .asMap()
                    .containsEntry("authorizationUrl", PUBLIC_URL + "/oauth2/authorize")
                    .containsEntry("tokenUrl", PUBLIC_URL + "/oauth2/token");
        }
        HttpResponse<String> config =
                send(HttpRequest.newBuilder(URI.create(PUBLIC_URL + "/v3/api-docs/swagger-config")));
        assertThat(config.statusCode()).isEqualTo(200);
        var json = new JsonContent(config.body());
        assertThat(json).extractingPath("$.oauth2RedirectUrl").asString().isEqualTo(REDIRECT);
        assertThat(json).extractingPath("$['urls.primaryName']").asString().isEqualTo("user-service");
        // springdoc writes Swagger UI's OAuth settings into the page's initializer (ui.initOAuth), not the config.
        HttpResponse<String> initializer =
                send(HttpRequest.newBuilder(URI.create(PUBLIC_URL + "/swagger-ui/swagger-initializer.js")));
        assertThat(initializer.statusCode()).isEqualTo(200);
        assertThat(initializer.body().replaceAll("\\s", ""))
                .contains("initOAuth(")
                .contains("\"clientId\":\"" + CLIENT + "\"")
                .containsPattern("\"usePkceWithAuthorizationCodeGrant\":\"?true");
        assertThat(send(HttpRequest.newBuilder(URI.create(REDIRECT))).statusCode())
                .as("Swagger UI's redirect page, served by the gateway without a token")
                .isEqualTo(200);
    }

    @Test
    void theEdgeOpensSwaggerUiAndNothingElseOfSpringdocWithoutAToken() throws Exception {
        for (String open :
                List.of("/swagger-ui/index.html", "/swagger-ui/oauth2-redirect.html", "/api-docs/user-service")) {
            assertThat(send(HttpRequest.newBuilder(URI.create(PUBLIC_URL + open)))
                            .statusCode())
                    .as(open)
                    .isEqualTo(200);
        }
        for (String closed : List.of("/v3/api-docs", "/webjars/swagger-ui/index.html", "/api-docs/user-service/x")) {
            assertThat(send(HttpRequest.newBuilder(URI.create(PUBLIC_URL + closed)))
                            .statusCode())
                    .as(closed)
                    .isEqualTo(401);
        }
    }

    @Test
    void theSwaggerUiClientGetsNoCodeWithoutPkce() throws Exception {
        HttpResponse<String> answer = authorize(
                Map.of("response_type", "code", "client_id", CLIENT, "redirect_uri", REDIRECT, "state", "no-pkce"));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
        String location = answer.headers().firstValue("Location").orElseThrow();
        assertThat(location)
                .as("refused back to the client, before any sign-in")
                .startsWith(REDIRECT + "?")
                .contains("error=invalid_request")
                .doesNotContain("code=");
    }

    @Test
    void theSwaggerUiClientSendsCodesToSwaggerUiOnly() throws Exception {
        for (String elsewhere : Set.of(
                "https://attacker.example/swagger-ui/oauth2-redirect.html",
                PUBLIC_URL + "/swagger-ui/oauth2-redirect.html?next=https://attacker.example",
                PUBLIC_URL + "/webjars/swagger-ui/oauth2-redirect.html",
                "http://127.0.0.1:8400/callback")) {
            HttpResponse<String> answer = authorize(Map.of(
                    "response_type", "code",
                    "client_id", CLIENT,
                    "redirect_uri", elsewhere,
                    "state", "elsewhere",
                    "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                    "code_challenge_method", "S256"));

            assertThat(answer.statusCode())
                    .as("%s: %s", elsewhere, answer.body())
                    .isEqualTo(400);
            assertThat(answer.headers().firstValue("Location")).as(elsewhere).isEmpty();
        }
    }

    private static HttpResponse<String> authorize(Map<String, String> parameters) throws Exception {
        String query = parameters.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(PUBLIC_URL + "/oauth2/authorize?" + query))
                .header("Accept", "text/html"));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static WebElement visible(org.openqa.selenium.SearchContext where, By what) {
        return await().atMost(SOON).ignoreExceptions().until(() -> where.findElement(what), WebElement::isDisplayed);
    }

    private static WebElement click(org.openqa.selenium.SearchContext where, By what) {
        WebElement element = visible(where, what);
        element.click();
        return element;
    }

    private static void screenshot(ChromeDriver browser) {
        try {
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));
        } catch (Exception unwritten) {
            // The test's own failure is what matters.
        }
    }
}
