package dev.meridian.auth;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.AuthenticatorApp;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Removing the second factor needs a recent password ({@code reauthentication}, 2 s here): an older sign-in is sent
 * to the login page and, after the password and the app's code again, brought back to the removal page.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "meridian.auth.issuer=http://gateway.test:8080",
            "meridian.auth.second-factor.reauthentication=2s",
            "meridian.auth.clients[0].client-id=" + CodeFlow.CLIENT,
            "meridian.auth.clients[0].secret=" + CodeFlow.SECRET,
            "meridian.auth.clients[0].grant-types=authorization_code,refresh_token",
            "meridian.auth.clients[0].scopes=openid,profile",
            "meridian.auth.clients[0].audiences=user-service",
            "meridian.auth.clients[0].redirect-uris=" + CodeFlow.REDIRECT_URI
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class SecondFactorReauthenticationIT {

    private static final String PASSWORD = "correct horse battery staple";
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
    void anOldSignInMustTypeThePasswordAndTheCodeAgainToRemoveTheApp() throws InterruptedException {
        var user = USER_SERVICE.add(PASSWORD, Set.of("USER"));
        var app = SecondFactorIT.enrol("http://127.0.0.1:" + port, user.email(), 0);
        Browser browser = app.browser();
        Thread.sleep(2_500);

        HttpResponse<String> tooOld = browser.get("/account/second-factor/remove");
        assertThat(tooOld.statusCode()).isEqualTo(302);
        assertThat(tooOld.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(URI.create(to).getPath()).isEqualTo("/login"));
        HttpResponse<String> login = browser.login(user.email(), PASSWORD);
        String back = login.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> again = browser.get(URI.create(back).getRawPath());
        assertThat(again.headers().firstValue("Location"))
                .as("the second step again")
                .hasValueSatisfying(to -> assertThat(URI.create(to).getPath()).isEqualTo("/login/second-factor"));
        HttpResponse<String> challenge = browser.get("/login/second-factor");
        HttpResponse<String> coded = browser.post(
                "/login/second-factor",
                Map.of(
                        "code",
                        AuthenticatorApp.code(app.secret(), AuthenticatorApp.step() + 1),
                        "_csrf",
                        SecondFactorIT.csrf(challenge)));
        assertThat(coded.headers().firstValue("Location"))
                .as("back to the removal page")
                .hasValueSatisfying(
                        to -> assertThat(URI.create(to).getPath()).isEqualTo("/account/second-factor/remove"));
        HttpResponse<String> confirm = browser.get("/account/second-factor/remove");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(browser.post("/account/second-factor/remove", Map.of("_csrf", SecondFactorIT.csrf(confirm)))
                        .headers()
                        .firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(to).endsWith("/account/second-factor?removed"));
    }
}
