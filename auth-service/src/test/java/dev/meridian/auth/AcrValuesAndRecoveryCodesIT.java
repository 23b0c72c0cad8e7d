package dev.meridian.auth;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.RecoveryCodesRegenerated;
import dev.meridian.events.UserEvents;
import dev.meridian.testkit.AuthenticatorApp;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import dev.meridian.testkit.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client that asks for {@code acr_values=urn:meridian:acr:mfa} (after a resource server's RFC 9470 step-up
 * challenge) gets a code only for a sign-in with a second factor, as a client registered with
 * {@code require-second-factor} does, though this one is not; asking for the password level changes nothing. And new
 * recovery codes are reported, without a code, for the owner's audit stream and notice.
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
class AcrValuesAndRecoveryCodesIT {

    private static final String PASSWORD = "correct horse battery staple";
    private static final String MFA = "urn:meridian:acr:mfa";
    private static final Pattern SECRET = Pattern.compile("id=\"secret\">([A-Z2-7 ]+)<");
    private static final Pattern CODE = Pattern.compile("<li>([A-Z2-7]{5}-[A-Z2-7]{5})</li>");
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

    @AfterAll
    static void close() {
        USER_SERVICE.close();
    }

    @Test
    void askingForTheTwoFactorLevelSendsAUserWithoutASecondFactorToSetOneUpAndTheTokensSayMfa() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("ADMIN"));
        Browser browser = new Browser(base(), CodeFlow.CLIENT, CodeFlow.REDIRECT_URI);

        HttpResponse<String> authorize = signIn(browser, user.email(), "urn:example:acr:phr " + MFA);
        assertThat(authorize.headers().firstValue("Location"))
                .as("no code for the password alone")
                .hasValueSatisfying(to -> assertThat(URI.create(to).getPath()).isEqualTo("/login/second-factor"));
        HttpResponse<String> challenge = browser.get("/login/second-factor");
        assertThat(challenge.headers().firstValue("Location"))
                .as("no second factor yet: set one up, as for a client that requires one")
                .hasValueSatisfying(to -> assertThat(URI.create(to).getPath()).isEqualTo("/account/second-factor"));
        HttpResponse<String> status = browser.get("/account/second-factor");
        assertThat(status.body()).contains("asks for two-step sign-in");
        HttpResponse<String> setUp =
                browser.post("/account/second-factor/totp", Map.of("_csrf", SecondFactorIT.csrf(status)));
        Matcher shown = SECRET.matcher(setUp.body());
        assertThat(shown.find()).as(setUp.body()).isTrue();
        byte[] secret = AuthenticatorApp.fromBase32(shown.group(1).replace(" ", ""));
        HttpResponse<String> codes = browser.post(
                "/account/second-factor/totp/confirm",
                Map.of(
                        "code",
                        AuthenticatorApp.code(secret, AuthenticatorApp.step()),
                        "_csrf",
                        SecondFactorIT.csrf(setUp)));
        assertThat(codes.statusCode()).as(codes.body()).isEqualTo(200);

        HttpResponse<String> carryOn = browser.get("/account/second-factor/continue");
        URI back = URI.create(carryOn.headers().firstValue("Location").orElseThrow());
        assertThat(back.getPath()).as("back to the authorization request").isEqualTo("/oauth2/authorize");
        assertThat(back.getRawQuery()).contains("acr_values=");
        JsonNode tokens = tokens(browser, browser.get(back.getRawPath() + "?" + back.getRawQuery()));
        assertThat(claims(tokens.get("access_token").asString()).get("acr").asString())
                .isEqualTo(MFA);
        assertThat(claims(tokens.get("access_token").asString()).get("amr").toString())
                .isEqualTo("[\"pwd\",\"otp\"]");
    }

    @Test
    void askingForThePasswordLevelOrForNoneSignsInWithThePasswordAlone() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));

        for (String acrValues : new String[] {"urn:meridian:acr:pwd", "urn:meridian:acr:mfa-ish"}) {
            Browser browser = new Browser(base(), CodeFlow.CLIENT, CodeFlow.REDIRECT_URI);
            JsonNode tokens = tokens(browser, signIn(browser, user.email(), acrValues));

            assertThat(claims(tokens.get("access_token").asString()).get("acr").asString())
                    .as(acrValues)
                    .isEqualTo("urn:meridian:acr:pwd");
        }
    }

    @Test
    void newRecoveryCodesAreReportedWithTheirNumberAndNoCode() {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        var app = SecondFactorIT.enrol(base(), user.email(), 0);
        HttpResponse<String> status = app.browser().get("/account/second-factor");

        HttpResponse<String> page = app.browser()
                .post("/account/second-factor/recovery-codes", Map.of("_csrf", SecondFactorIT.csrf(status)));

        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        List<String> codes = new ArrayList<>();
        Matcher code = CODE.matcher(page.body());
        while (code.find()) {
            codes.add(code.group(1));
        }
        assertThat(codes).hasSize(10).doesNotContainAnyElementsOf(app.codes());
        List<ConsumerRecord<String, String>> events;
        try (var topic = new TopicReader(KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC)) {
            events = topic.readKey(user.id().toString(), 2, Duration.ofSeconds(30));
        }
        assertThat(TopicReader.header(events.get(1), CloudEventHeaders.TYPE)).isEqualTo(RecoveryCodesRegenerated.TYPE);
        assertThat(TopicReader.header(events.get(1), CloudEventHeaders.SOURCE)).isEqualTo(UserEvents.AUTH_SOURCE);
        RecoveryCodesRegenerated event = JSON.readValue(events.get(1).value(), RecoveryCodesRegenerated.class);
        assertThat(event.recoveryCodes()).isEqualTo(10);
        assertThat(event.userId()).isEqualTo(user.id());
        for (String each : codes) {
            assertThat(events.get(1).value()).doesNotContain(each, each.replace("-", ""));
        }
    }

    /** Starts the authorization request with {@code acr_values}, signs in with the password, goes back to it. */
    private HttpResponse<String> signIn(Browser browser, String email, String acrValues) {
        Map<String, String> request = browser.authorizationRequest(OAuthHttp.challenge(Browser.VERIFIER));
        request.put("acr_values", acrValues);
        HttpResponse<String> start = browser.get("/oauth2/authorize?" + OAuthHttp.form(request));
        assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
        HttpResponse<String> login = browser.login(email, PASSWORD);
        URI back = URI.create(login.headers().firstValue("Location").orElseThrow());
        assertThat(back.getPath()).isEqualTo("/oauth2/authorize");
        HttpResponse<String> authorize = browser.get(back.getRawPath() + "?" + back.getRawQuery());
        assertThat(authorize.statusCode()).as(authorize.body()).isEqualTo(302);
        return authorize;
    }

    /** Exchanges the code the authorization endpoint's redirect carries. */
    private JsonNode tokens(Browser browser, HttpResponse<String> authorized) {
        assertThat(authorized.statusCode()).as(authorized.body()).isEqualTo(302);
        String code = browser.redirectQuery(authorized).get("code");
        assertThat(code).as("a code").isNotNull();
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
                                Browser.VERIFIER)))),
                Duration.ofSeconds(15));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return JSON.readTree(tokens.body());
    }

    private static JsonNode claims(String jwt) {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
