package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.ServiceProcess;
import dev.meridian.user.OwnDataStandIn.Api;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.json.JsonContent;

/**
 * The personal data export against real HTTP servers standing in for the three services that own its other parts
 * ({@link OwnDataStandIn}: each answers only the token subject's entries, as the real ones do), found through
 * discovery by service name as in production (Spring Cloud's simple discovery here instead of Eureka). Pages of 2
 * and at most 6 entries per part, so paging and the cap are exercised with a handful of entries.
 */
class ExportIT extends RunningUserService {

    private static final OwnDataStandIn SESSIONS = new OwnDataStandIn(Api.SESSIONS, ServiceProcess.freePort());
    private static final OwnDataStandIn AUDIT = new OwnDataStandIn(Api.AUDIT, ServiceProcess.freePort());
    private static final OwnDataStandIn DELIVERIES = new OwnDataStandIn(Api.DELIVERIES, ServiceProcess.freePort());

    private static final String PASSWORD = "correct horse battery";

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        String instances = "spring.cloud.discovery.client.simple.instances.";
        registry.add(instances + "auth-service[0].uri", SESSIONS::uri);
        registry.add(instances + "audit-service[0].uri", AUDIT::uri);
        registry.add(instances + "notification-service[0].uri", DELIVERIES::uri);
        registry.add("meridian.export.page-size", () -> 2);
        registry.add("meridian.export.max-entries", () -> 6);
        // A stand-in is stopped and started around single requests here; with readiness probes every 2 s the next
        // request could find it not yet probed back. Balancing over probed instances is the instance-health starter's
        // test, and the export runs with it through the real services in system-tests' ExportThroughTheGatewayIT.
        registry.add("meridian.instance-health.enabled", () -> false);
    }

    @AfterAll
    static void stopStandIns() {
        SESSIONS.close();
        AUDIT.close();
        DELIVERIES.close();
    }

    @Test
    void theExportHoldsEachPartOfTheCallerAndNothingOfAnotherUser() {
        UUID ada = signUp("Ada");
        UUID bob = signUp("Bob");
        for (UUID user : List.of(ada, bob)) {
            SESSIONS.add(user, Map.of("id", "session-of-" + user, "clientId", "meridian-cli"));
            for (int i = 1; i <= 5; i++) { // three pages of two
                AUDIT.add(user, Map.of("type", "dev.meridian.user.updated.v1", "eventId", UUID.randomUUID()));
            }
            for (int i = 1; i <= 3; i++) { // two pages
                DELIVERIES.add(user, Map.of("kind", "WELCOME", "eventId", UUID.randomUUID()));
            }
        }
        String token = AccessTokens.user(ada);

        var export = api.get("/api/users/me/export", token);

        assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(export.headers().firstValue("Content-Disposition"))
                .hasValueSatisfying(disposition -> assertThat(disposition)
                        .startsWith("attachment; filename=\"meridian-export-" + ada)
                        .endsWith(".json\""));
        assertThat(export.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonContent body = new JsonContent(export.body());
        assertThat(body).extractingPath("$.format").asString().isEqualTo("meridian-export/1");
        assertThat(body).extractingPath("$.userId").asString().isEqualTo(ada.toString());
        assertThat(body).extractingPath("$.account.id").asString().isEqualTo(ada.toString());
        assertThat(body).extractingPath("$.account.name").asString().isEqualTo("Ada");
        assertThat(body).extractingPath("$.sessions[*].id").asArray().containsExactly("session-of-" + ada);
        assertThat(body).extractingPath("$.auditEntries[*].version").asArray().containsExactly(1, 2, 3, 4, 5);
        assertThat(body)
                .extractingPath("$.auditEntries[*].userId")
                .asArray()
                .hasSize(5)
                .containsOnly(ada.toString());
        assertThat(body)
                .extractingPath("$.deliveries[*].userId")
                .asArray()
                .hasSize(3)
                .containsOnly(ada.toString());
        assertThat(export.body()).doesNotContain(bob.toString(), "Bob", "argon2", "password", token);
        // The user's own token went to each service (each applies its own "only your own data" rule to it).
        assertThat(SESSIONS.authorizations()).contains("Bearer " + token);
        assertThat(AUDIT.authorizations()).contains("Bearer " + token);
        assertThat(DELIVERIES.authorizations()).contains("Bearer " + token);
    }

    @Test
    void aServiceThatIsDownMakesItA503ProblemWithRetryAfterAndTheNextTryIsNotThrottled() {
        UUID ada = signUp("Ada");
        AUDIT.stop();
        HttpResponse<String> unavailable;
        try {
            unavailable = api.get("/api/users/me/export", AccessTokens.user(ada));
        } finally {
            AUDIT.start();
        }

        assertThat(unavailable.statusCode()).as(unavailable.body()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(new JsonContent(unavailable.body()))
                .extractingPath("$.type")
                .asString()
                .isEqualTo("https://meridian.dev/problems/export-unavailable");
        assertThat(new JsonContent(unavailable.body()))
                .extractingPath("$.part")
                .asString()
                .isEqualTo("auditEntries");
        assertThat(unavailable.body()).doesNotContain("\"account\"", "\"sessions\"");
        // Nothing was exported, so the minute is not used up.
        assertThat(api.get("/api/users/me/export", AccessTokens.user(ada)).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aServiceFailingIsA503TooAndARefusedTokenA403() {
        UUID ada = signUp("Ada");
        UUID bea = signUp("Bea");

        DELIVERIES.answer(500);
        var failing = api.get("/api/users/me/export", AccessTokens.user(ada));
        DELIVERIES.answer(401);
        var refused = api.get("/api/users/me/export", AccessTokens.user(bea));
        DELIVERIES.answer(null);

        assertThat(failing.statusCode()).as(failing.body()).isEqualTo(503);
        assertThat(new JsonContent(failing.body()))
                .extractingPath("$.part")
                .asString()
                .isEqualTo("deliveries");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(new JsonContent(refused.body()))
                .extractingPath("$.type")
                .asString()
                .isEqualTo("https://meridian.dev/problems/export-refused");
        assertThat(new JsonContent(refused.body()))
                .extractingPath("$.part")
                .asString()
                .isEqualTo("deliveries");
    }

    @Test
    void aSecondExportWithinAMinuteIsA429ProblemWithRetryAfter() {
        UUID ada = signUp("Ada");
        String token = AccessTokens.user(ada);

        var first = api.get("/api/users/me/export", token);
        var second = api.get("/api/users/me/export", token);
        var someoneElse = api.get("/api/users/me/export", AccessTokens.user(signUp("Bob")));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonContent(second.body()))
                .extractingPath("$.type")
                .asString()
                .isEqualTo("https://meridian.dev/problems/throttled");
        assertThat(second.headers().firstValue("Retry-After"))
                .hasValueSatisfying(
                        seconds -> assertThat(Integer.parseInt(seconds)).isBetween(55, 60));
        assertThat(someoneElse.statusCode()).isEqualTo(200);
    }

    @Test
    void moreEntriesThanTheCapIsA422ProblemNotAShortenedExport() {
        UUID ada = signUp("Ada");
        for (int i = 1; i <= 7; i++) {
            AUDIT.add(ada, Map.of("type", "dev.meridian.user.updated.v1"));
        }

        var tooLarge = api.get("/api/users/me/export", AccessTokens.user(ada));

        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(422);
        assertThat(new JsonContent(tooLarge.body()))
                .extractingPath("$.type")
                .asString()
                .isEqualTo("https://meridian.dev/problems/export-too-large");
        assertThat(new JsonContent(tooLarge.body()))
                .extractingPath("$.part")
                .asString()
                .isEqualTo("auditEntries");
    }

    @Test
    void anEntryOfAnotherUserFromAServiceStopsTheExport() {
        UUID ada = signUp("Ada");
        UUID eve = signUp("Eve");
        DELIVERIES.add(eve, Map.of("kind", "WELCOME", "recipient", "eve@example.com"));
        DELIVERIES.leak(eve);
        HttpResponse<String> leaked;
        try {
            leaked = api.get("/api/users/me/export", AccessTokens.user(ada));
        } finally {
            DELIVERIES.leak(null);
        }

        assertThat(leaked.statusCode()).as(leaked.body()).isEqualTo(502);
        assertThat(leaked.body()).doesNotContain(eve.toString(), "eve@example.com");
    }

    @Test
    void onlyAUsersTokenExports() {
        var service = api.get("/api/users/me/export", AccessTokens.service("partner", "users.read"));
        var anonymous = api.get("/api/users/me/export", null);

        assertThat(service.statusCode()).isEqualTo(403);
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private UUID signUp(String name) {
        String email = "x" + UUID.randomUUID() + "@example.com";
        var created = api.post("/api/users", null, """
                {"email": "%s", "name": "%s", "password": "%s"}""".formatted(email, name, PASSWORD));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return accountId(email);
    }
}
