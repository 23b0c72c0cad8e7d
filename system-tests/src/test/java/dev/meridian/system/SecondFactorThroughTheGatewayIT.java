package dev.meridian.system;

import static dev.meridian.system.PlatformSmokeIT.PUBLIC_URL;
import static dev.meridian.testkit.AuthenticatorApp.code;
import static dev.meridian.testkit.AuthenticatorApp.fromBase32;
import static dev.meridian.testkit.AuthenticatorApp.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.system.NativeAppSignIn.Browser;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An authenticator app (RFC 6238) set up and used through the gateway, as a person does it in a browser: the
 * second-factor page after a sign-in, the secret it shows, a code from it to confirm, and from then on every sign-in
 * asks for a code after the password; the tokens then say so ({@code amr}, {@code acr}). The codes come from a
 * generator written here from the RFC, apart from auth-service's.
 */
class SecondFactorThroughTheGatewayIT {

    private static final String PASSWORD = "correct horse battery";
    private static final Pattern SECRET = Pattern.compile("id=\"secret\">([A-Z2-7 ]+)<");

    @BeforeAll
    static void platform() throws Exception {
        PlatformSmokeIT.startThePlatform();
    }

    @Test
    void anAuthenticatorAppSetUpThroughTheGatewayIsAskedForAtTheNextSignInAndItsCodesWorkOnce() throws Exception {
        var app = new NativeAppSignIn(PUBLIC_URL, "127.0.0.60");
        String email = Accounts.signUpVerified(app, Accounts.uniqueEmail("totp"), PASSWORD);

        // Set up: sign in on the way to the page, take the secret it shows, confirm with a code.
        Browser enrolling = app.browser();
        assertThat(enrolling.open("/account/second-factor").statusCode()).isEqualTo(302);
        signIn(enrolling, email);
        HttpResponse<String> setUp = enrolling.submit(enrolling.open("/account/second-factor"), Map.of());
        assertThat(setUp.statusCode()).as(setUp.body()).isEqualTo(200);
        Matcher shown = SECRET.matcher(setUp.body());
        assertThat(shown.find()).as(setUp.body()).isTrue();
        byte[] secret = fromBase32(shown.group(1).replace(" ", ""));
        long enrolledAt = step();
        HttpResponse<String> wrong = enrolling.submit(setUp, Map.of("code", code(secret, enrolledAt + 5)));
        assertThat(wrong.statusCode()).as("a code the app would not show").isEqualTo(400);
        HttpResponse<String> codes = enrolling.submit(setUp, Map.of("code", code(secret, enrolledAt)));
        assertThat(codes.statusCode()).as(codes.body()).isEqualTo(200);
        assertThat(codes.body()).contains("recovery");

        // The next sign-in: the password, then the challenge; the code used to set up is used up.
        String verifier = NativeAppSignIn.verifier();
        Browser signingIn = app.browser();
        signingIn.open(NativeAppSignIn.authorization(verifier, "state-totp"));
        HttpResponse<String> afterPassword = follow(signingIn, signIn(signingIn, email));
        assertThat(location(afterPassword))
                .as("no code without the second step")
                .contains("/login/second-factor");
        HttpResponse<String> replayed = submitCode(signingIn, code(secret, enrolledAt));
        assertThat(location(replayed)).contains("/login/second-factor?error");
        HttpResponse<String> accepted = submitCode(signingIn, code(secret, enrolledAt + 1));
        String callback = location(follow(signingIn, accepted));
        assertThat(callback).startsWith(NativeAppSignIn.REDIRECT).contains("state=state-totp");

        HttpResponse<String> tokens = app.exchange(callback.replaceFirst(".*[?&]code=([^&]*).*", "$1"), verifier);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        String access = claims(NativeAppSignIn.tokens(tokens.body()).access());
        assertThat(access).contains("\"amr\":[\"pwd\",\"otp\"]", "\"acr\":\"urn:meridian:acr:mfa\"");
    }

    /** The login form, answered with the password: answers the redirect that follows it. */
    private static HttpResponse<String> signIn(Browser browser, String email) throws Exception {
        HttpResponse<String> login =
                browser.submit(browser.open("/login"), Map.of("username", email, "password", PASSWORD));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(302);
        assertThat(location(login)).doesNotContain("error");
        return login;
    }

    private static HttpResponse<String> submitCode(Browser browser, String code) throws Exception {
        HttpResponse<String> challenge = browser.open("/login/second-factor");
        assertThat(challenge.statusCode()).as(challenge.body()).isEqualTo(200);
        return browser.submit(challenge, Map.of("code", code));
    }

    private static HttpResponse<String> follow(Browser browser, HttpResponse<String> redirect) throws Exception {
        return browser.open(redirect.uri().resolve(location(redirect)).toString());
    }

    private static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElse("");
    }

    private static String claims(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    }
}
