package dev.meridian.system;

import static dev.meridian.system.PlatformSmokeIT.PUBLIC_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import dev.meridian.system.NativeAppSignIn.Tokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.json.JsonContent;

/**
 * The identity-hardening holes (docs/security.md), tried from outside as a client would: through the gateway of the
 * platform {@link PlatformSmokeIT} starts, each test a client of its own loopback address.
 */
class IdentityThroughTheGatewayIT {

    private static final String PASSWORD = "correct horse battery";
    /** 127.0.0.10 and up: one address per client, so that no test spends another's per-address allowance. */
    private static final AtomicInteger ADDRESSES = new AtomicInteger(10);

    @BeforeAll
    static void platform() throws Exception {
        PlatformSmokeIT.startThePlatform();
    }

    @Test
    void aCodeIsExchangedOnlyWithTheVerifierItsChallengeWasMadeFrom() throws Exception {
        var app = client();
        String email = signUp(app, PASSWORD);

        String verifier = NativeAppSignIn.verifier();
        String code = app.code(email, PASSWORD, verifier).orElseThrow();
        HttpResponse<String> wrong = app.exchange(code, NativeAppSignIn.verifier());
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(400);
        assertThat(new JsonContent(wrong.body()))
                .extractingPath("$.error")
                .asString()
                .isEqualTo("invalid_grant");
        assertThat(wrong.body()).doesNotContain("access_token");

        String another = app.code(email, PASSWORD, verifier).orElseThrow();
        HttpResponse<String> missing = app.exchange(another, null);
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(400);
        assertThat(missing.body()).doesNotContain("access_token");

        String third = app.code(email, PASSWORD, verifier).orElseThrow();
        HttpResponse<String> tooShort = app.exchange(third, verifier.substring(0, 42));
        assertThat(tooShort.statusCode()).as(tooShort.body()).isEqualTo(400);
        assertThat(new JsonContent(tooShort.body()))
                .extractingPath("$.error")
                .asString()
                .isEqualTo("invalid_grant");
    }

    @Test
    void tokenEndpointErrorsOfThePublicClientAreJsonNeverARedirectToTheLoginPage() throws Exception {
        var app = client();
        for (var fields : List.of(
                Map.of("grant_type", "password", "client_id", NativeAppSignIn.CLIENT, "username", "a", "password", "b"),
                Map.of(
                        "grant_type",
                        "refresh_token",
                        "client_id",
                        NativeAppSignIn.CLIENT,
                        "refresh_token",
                        "forged"))) {
            HttpResponse<String> answer =
                    app.send(app.form("/oauth2/token", fields).header("Accept", "text/html"));
            assertThat(answer.statusCode())
                    .as("%s: %s", fields.get("grant_type"), answer.body())
                    .isIn(400, 401);
            assertThat(answer.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(answer.headers().firstValue("Location")).isEmpty();
        }
    }

    @Test
    void aPasswordOfFourByteCharactersOverBcryptsLimitSignsUpAndSignsIn() throws Exception {
        var app = client();
        String emoji = "🔐🗝️🛡️".repeat(5) + "🔐🔐🔐"; // 28 code points, 102 bytes in UTF-8: over bcrypt's 72
        assertThat(emoji.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isGreaterThan(72);
        String email = signUp(app, emoji);
        assertThat(app.signIn(email, emoji).access()).isNotBlank();

        // Only the first 72 bytes would match if the hash truncated: the same start with another end must fail.
        assertThat(app.code(email, emoji.substring(0, emoji.length() - 2) + "🔑", NativeAppSignIn.verifier()))
                .isEmpty();

        HttpResponse<String> tooLong = app.send(app.get("/api/users")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(signUpBody(uniqueEmail(), "🔐".repeat(129)))));
        assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(400);
        assertThat(tooLong.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void aStolenAccessTokenAloneCannotChangeThePasswordAndAChangeEndsTheOtherSessions() throws Exception {
        var app = client();
        String email = signUp(app, PASSWORD);
        Tokens here = app.signIn(email, PASSWORD);
        Tokens elsewhere = app.signIn(email, PASSWORD);

        HttpResponse<String> me = app.send(bearer(app.get("/api/users/me"), here.access()));
        String id = JsonPath.read(me.body(), "$.id");
        String etag = me.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> withTokenAlone =
                app.send(patch(app, id, etag, here.access(), "{\"password\":\"another long passphrase\"}"));
        assertThat(withTokenAlone.statusCode()).as(withTokenAlone.body()).isEqualTo(400);
        HttpResponse<String> wrongCurrent = app.send(patch(
                app,
                id,
                etag,
                here.access(),
                "{\"password\":\"another long passphrase\",\"currentPassword\":\"not the password\"}"));
        assertThat(wrongCurrent.statusCode()).as(wrongCurrent.body()).isEqualTo(403);

        HttpResponse<String> changed = app.send(patch(
                app,
                id,
                etag,
                here.access(),
                "{\"password\":\"another long passphrase\",\"currentPassword\":\"" + PASSWORD + "\"}"));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    HttpResponse<String> refreshed = app.refresh(elsewhere.refresh());
                    assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(400);
                });
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> app.send(bearer(app.get("/api/users/me"), elsewhere.access()))
                                .statusCode()
                        == 401);
        assertThat(app.send(bearer(app.get("/api/users/me"), here.access())).statusCode())
                .as("the session the change was made in stays")
                .isEqualTo(200);
    }

    @Test
    void aDeactivatedUserCanNeitherRefreshNorUseTheirAccessToken() throws Exception {
        var app = client();
        String email = signUp(app, PASSWORD);
        Tokens tokens = app.signIn(email, PASSWORD);
        String id = JsonPath.read(
                app.send(bearer(app.get("/api/users/me"), tokens.access())).body(), "$.id");

        HttpResponse<String> deactivated = app.send(bearer(app.get("/api/users/" + id + "/deactivate"), tokens.access())
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(deactivated.statusCode()).as(deactivated.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> app.send(bearer(app.get("/api/users/me"), tokens.access()))
                                .statusCode()
                        == 401);
        HttpResponse<String> refreshed = app.refresh(tokens.refresh());
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(400);
        assertThat(new JsonContent(refreshed.body()))
                .extractingPath("$.error")
                .asString()
                .isEqualTo("invalid_grant");
        assertThat(app.code(email, PASSWORD, NativeAppSignIn.verifier()))
                .as("sign-in refused")
                .isEmpty();
    }

    @Test
    void anIdTokenPresentedAsAnAccessTokenIsRefused() throws Exception {
        var app = client();
        Tokens tokens = app.signIn(signUp(app, PASSWORD), PASSWORD);

        assertThat(app.send(bearer(app.get("/api/users/me"), tokens.access())).statusCode())
                .isEqualTo(200);
        assertThat(app.send(bearer(app.get("/api/users/me"), tokens.id())).statusCode())
                .isEqualTo(401);
    }

    @Test
    void theCliStaysSignedInWithRotatedRefreshTokensAndAReusedOneEndsTheFamily() throws Exception {
        var app = client();
        Tokens first = app.signIn(signUp(app, PASSWORD), PASSWORD);

        HttpResponse<String> rotated = app.refresh(first.refresh());
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        Tokens second = NativeAppSignIn.tokens(rotated.body());
        assertThat(second.refresh()).isNotEqualTo(first.refresh());
        assertThat(app.send(bearer(app.get("/api/users/me"), second.access())).statusCode())
                .isEqualTo(200);

        HttpResponse<String> reused = app.refresh(first.refresh());
        assertThat(reused.statusCode()).as(reused.body()).isEqualTo(400);
        assertThat(app.refresh(second.refresh()).statusCode())
                .as("the whole family ends with a reuse")
                .isEqualTo(400);
    }

    @Test
    void guessesFromAnotherAddressDoNotLockTheOwnerOut() throws Exception {
        var owner = client();
        String email = signUp(owner, PASSWORD);
        var attacker = client();

        int refused = 0;
        for (int guess = 0; guess < 15; guess++) {
            if (attacker.code(email, "wrong guess " + guess, NativeAppSignIn.verifier())
                    .isEmpty()) {
                refused++;
            }
        }
        assertThat(refused).isEqualTo(15);
        assertThat(attacker.code(email, PASSWORD, NativeAppSignIn.verifier()))
                .as("the guessing address is slowed even with the right password")
                .isEmpty();

        assertThat(owner.signIn(email, PASSWORD).access())
                .as("the owner, from their own address")
                .isNotBlank();
    }

    @Test
    void aRevokedTokenIsRefusedByUserServiceItselfNotOnlyAtTheEdge() throws Exception {
        var app = client();
        Tokens tokens = app.signIn(signUp(app, PASSWORD), PASSWORD);
        List<Integer> ports = JsonPath.read(
                PlatformSmokeIT.registry(PlatformSmokeIT.eureka()),
                "$.applications.application[?(@.name == 'USER-SERVICE')].instance[*].port.$");
        assertThat(ports).isNotEmpty();
        URI direct = URI.create("http://127.0.0.1:" + ports.getFirst() + "/api/users/me");
        assertThat(app.send(bearer(HttpRequest.newBuilder(direct), tokens.access()))
                        .statusCode())
                .isEqualTo(200);

        HttpResponse<String> revoked = app.send(
                app.form("/oauth2/revoke", Map.of("client_id", NativeAppSignIn.CLIENT, "token", tokens.access())));
        assertThat(revoked.statusCode()).isEqualTo(200);
        long revokedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> app.send(bearer(HttpRequest.newBuilder(direct), tokens.access()))
                                .statusCode()
                        == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
    }

    /**
     * Node's {@code fetch} sends the whole body before it reads an answer: with a 3 MB sign-up it saw the connection
     * reset instead of the 413 half the time, because the gateway closed while it was still sending. The gateway now
     * reads and drops the rest (bounded) before closing.
     */
    @Test
    void nodesFetchSendingAThreeMegabyteBodyReadsThe413ProblemEveryTime() throws Exception {
        String script = """
                const body = '{"name":"' + 'x'.repeat(3 * 1024 * 1024) + '"}';
                let problems = 0;
                const other = [];
                for (let i = 0; i < 20; i++) {
                  try {
                    const answer = await fetch(process.argv[1], {
                      method: 'POST', headers: {'content-type': 'application/json'}, body });
                    const text = await answer.text();
                    if (answer.status === 413 && JSON.parse(text).status === 413) problems++;
                    else other.push(answer.status);
                  } catch (e) {
                    other.push(String(e.cause?.code ?? e));
                  }
                }
                console.log(JSON.stringify({problems, other}));
                """;
        Process node = new ProcessBuilder("node", "--input-type=module", "-e", script, PUBLIC_URL + "/api/users")
                .redirectErrorStream(true)
                .start();
        String output = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as(output).isZero();
        assertThat(output.strip()).isEqualTo("{\"problems\":20,\"other\":[]}");
    }

    private static NativeAppSignIn client() {
        return new NativeAppSignIn(PUBLIC_URL, "127.0.0." + ADDRESSES.getAndIncrement());
    }

    /** Signs up through the gateway and verifies the address from its mail; answers the email. */
    private static String signUp(NativeAppSignIn app, String password) throws Exception {
        return Accounts.signUpVerified(app, uniqueEmail(), password);
    }

    private static String uniqueEmail() {
        return "outside-" + System.nanoTime() + "@example.com";
    }

    private static String signUpBody(String email, String password) {
        return "{\"email\":\"" + email + "\",\"name\":\"Outside Client\",\"password\":\"" + password + "\"}";
    }

    private static HttpRequest.Builder bearer(HttpRequest.Builder request, String token) {
        return request.header("Authorization", "Bearer " + token);
    }

    private static HttpRequest.Builder patch(NativeAppSignIn app, String id, String etag, String token, String body) {
        return bearer(app.get("/api/users/" + id), token)
                .header("Content-Type", "application/json")
                .header("If-Match", etag)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body));
    }
}
