package dev.meridian.system;

import static dev.meridian.system.PlatformSmokeIT.PUBLIC_URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import dev.meridian.system.AccountLifecycleIT.MailSubjects;
import dev.meridian.system.NativeAppSignIn.Tokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.json.JsonContent;

/**
 * The personal data export (GDPR Art. 20) end to end through the gateway of the platform {@link PlatformSmokeIT}
 * starts: user-service gathers the sessions from auth-service, the mails from notification-service and the audit
 * stream from audit-service, each found through Eureka and asked with the user's own token.
 */
class ExportThroughTheGatewayIT {

    private static final String PASSWORD = "correct horse battery";

    @BeforeAll
    static void platform() throws Exception {
        PlatformSmokeIT.startThePlatform();
    }

    @Test
    void anExportHoldsWhatEachServiceKnowsOfTheUserAndNoSecretNorAnotherUser() throws Exception {
        var app = new NativeAppSignIn(PUBLIC_URL, "127.0.0.90");
        String ada = Accounts.uniqueEmail("export-ada");
        String bob = Accounts.uniqueEmail("export-bob");
        Accounts.signUp(app, ada, "Ada Lovelace", PASSWORD);
        Accounts.signUp(app, bob, "Bob Babbage", PASSWORD);
        var verification = Mailbox.await(ada, MailSubjects.VERIFICATION);
        Accounts.verifyWithCode(app, ada, verification.code());
        Accounts.verifyWithCode(
                app, bob, Mailbox.await(bob, MailSubjects.VERIFICATION).code());
        Tokens adas = app.signIn(ada, PASSWORD);
        Tokens bobs = app.signIn(bob, PASSWORD);
        String adaId = JsonPath.read(me(app, adas.access()), "$.id");
        String bobId = JsonPath.read(me(app, bobs.access()), "$.id");
        // The audit stream is built from Kafka: wait (with the user's own read) until it holds the verification.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    HttpResponse<String> own = app.send(bearer(app, "/api/audit/me/events", adas.access()));
                    assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
                    assertThat(new JsonContent(own.body()))
                            .extractingPath("$.events[*].type")
                            .asArray()
                            .contains("dev.meridian.user.email-verified.v1");
                });

        HttpResponse<String> export = app.send(bearer(app, "/api/users/me/export", adas.access()));

        assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(value ->
                        assertThat(value).startsWith("attachment; filename=").endsWith(".json\""));
        assertThat(export.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonContent body = new JsonContent(export.body());
        assertThat(body).extractingPath("$.account.email").asString().isEqualTo(ada);
        assertThat(body).extractingPath("$.account.emailVerified").asBoolean().isTrue();
        // auth-service: the session signed in above, the one the export was asked with.
        assertThat(body).extractingPath("$.sessions[*].current").asArray().contains(true);
        assertThat(body).extractingPath("$.sessions[*].clientId").asArray().contains("meridian-cli");
        // notification-service: the verification mail, to Ada's address only.
        assertThat(body)
                .extractingPath("$.deliveries[*].recipient")
                .asArray()
                .isNotEmpty()
                .containsOnly(ada);
        assertThat(body).extractingPath("$.deliveries[*].kind").asArray().isNotEmpty();
        // audit-service: Ada's stream, from its first version.
        assertThat(body)
                .extractingPath("$.auditEntries[*].type")
                .asArray()
                .contains("dev.meridian.user.created.v1", "dev.meridian.user.email-verified.v1");
        assertThat(body).extractingPath("$.auditEntries[*].userId").asArray().containsOnly(adaId);
        assertThat(body).extractingPath("$.auditEntries[0].version").asNumber().isEqualTo(1);
        // Nothing of Bob, and no secret: no password or hash, no token, no mailed link or code.
        assertThat(export.body())
                .doesNotContain(bob, bobId, "Bob Babbage")
                .doesNotContain(PASSWORD, "argon2", "bcrypt", "passwordHash")
                .doesNotContain(adas.access(), adas.refresh(), adas.id())
                .doesNotContain("token=", verification.link("/account/verify"), verification.code());

        HttpResponse<String> again = app.send(bearer(app, "/api/users/me/export", adas.access()));
        assertThat(again.statusCode()).as("one export a minute").isEqualTo(429);
        assertThat(again.headers().firstValue("Retry-After")).isPresent();
        assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    private static String me(NativeAppSignIn app, String token) throws Exception {
        HttpResponse<String> me = app.send(bearer(app, "/api/users/me", token));
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        return me.body();
    }

    private static java.net.http.HttpRequest.Builder bearer(NativeAppSignIn app, String path, String token) {
        return app.get(path).header("Authorization", "Bearer " + token);
    }
}
