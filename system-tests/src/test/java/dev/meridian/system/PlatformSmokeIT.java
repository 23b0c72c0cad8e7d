package dev.meridian.system;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static dev.meridian.testkit.Server.SMTP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import dev.meridian.testkit.Server;
import dev.meridian.testkit.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole platform from its packaged jars: discovery first, then the five other services against real
 * PostgreSQL, Redis, Kafka and SMTP from the testkit. Each must register with Eureka and report UP, and a client
 * must be able to use the platform through the gateway with a token from auth-service.
 */
class PlatformSmokeIT {

    private static final Map<String, List<Server>> SERVICES = Map.of(
            "gateway-service", List.of(REDIS),
            "user-service", List.of(POSTGRES, REDIS, KAFKA),
            "auth-service", List.of(POSTGRES, REDIS, KAFKA),
            "audit-service", List.of(POSTGRES, KAFKA),
            "notification-service", List.of(POSTGRES, KAFKA, SMTP));
    private static final Path ROOT = Path.of(System.getProperty("meridian.root", ".."));
    private static final Path LOGS = Path.of("target", "smoke-logs");
    private static final List<ServiceProcess> running = new ArrayList<>();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final int GATEWAY_PORT = ServiceProcess.freePort();
    /** The public URL: tokens name it as issuer, every resource server and the gateway check that. */
    private static final String PUBLIC_URL = "http://127.0.0.1:" + GATEWAY_PORT;

    private static String eureka;

    @BeforeAll
    static void startThePlatform() throws Exception {
        int discoveryPort = ServiceProcess.freePort();
        eureka = "http://127.0.0.1:" + discoveryPort;
        running.add(ServiceProcess.start(
                ROOT,
                "discovery-service",
                ServiceProcess.SMALL_JVM,
                Map.of("server.port", discoveryPort, "spring.profiles.active", "dev"),
                LOGS));
        awaitOrExplain(Duration.ofSeconds(90), () -> status(eureka + "/readyz") == 200);

        for (var service : SERVICES.entrySet()) {
            Map<String, Object> properties = new HashMap<>(Map.of(
                    "server.port",
                    service.getKey().equals("gateway-service") ? GATEWAY_PORT : 0,
                    "spring.profiles.active",
                    "dev",
                    "eureka.client.service-url.defaultZone",
                    eureka + "/eureka/",
                    "eureka.instance.hostname",
                    "127.0.0.1",
                    "meridian.auth.issuer",
                    PUBLIC_URL,
                    "meridian.security.jwt.issuer",
                    PUBLIC_URL,
                    "meridian.gateway.jwt.issuer",
                    PUBLIC_URL));
            if (service.getKey().equals("gateway-service")) {
                // Its actuator is on a port of its own, off the public one.
                properties.put("management.server.port", ServiceProcess.freePort());
            }
            service.getValue().forEach(server -> properties.putAll(server.springProperties(service.getKey())));
            running.add(ServiceProcess.start(ROOT, service.getKey(), ServiceProcess.SMALL_JVM, properties, LOGS));
        }
        awaitOrExplain(Duration.ofMinutes(4), () -> registeredAndUp(eureka).containsAll(expectedNames()));
    }

    @Test
    void everyServiceStartsAgainstRealInfrastructureRegistersAndReportsUp() throws Exception {
        List<String> healthUrls = JsonPath.read(registry(eureka), "$..instance[*].healthCheckUrl");
        assertThat(healthUrls).hasSize(SERVICES.size());
        for (String healthUrl : healthUrls) {
            var health = get(healthUrl);
            assertThat(health.statusCode()).as(healthUrl).isEqualTo(200);
            assertThat((String) JsonPath.read(health.body(), "$.status"))
                    .as(healthUrl)
                    .isEqualTo("UP");
        }
    }

    @Test
    void throughTheGatewayAClientSignsUpGetsATokenUsesItAndARevokedTokenIsRefusedAtOnce() throws Exception {
        // The gateway finds user-service through Eureka once its registry fetch and load-balancer cache have it.
        String email = "smoke-" + System.nanoTime() + "@example.com";
        awaitOrExplain(
                Duration.ofSeconds(60),
                () -> send(gateway("/api/users")
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email
                                                + "\",\"name\":\"Smoke\",\"password\":\"correct horse battery\"}")))
                                .statusCode()
                        == 201);
        awaitOrExplain(Duration.ofSeconds(60), () -> tokenRequest().statusCode() == 200);
        String token = JsonPath.read(tokenRequest().body(), "$.access_token");

        HttpResponse<String> accepted = send(gateway("/api/users/me").header("Authorization", "Bearer " + token));
        assertThat(accepted.statusCode())
                .as("past the gateway's and user-service's token checks: %s", accepted.body())
                .isNotIn(401, 500, 502, 503, 504);
        assertThat(accepted.headers().firstValue("X-RateLimit-Burst-Capacity"))
                .as("limited as client auth-service, by the default tier")
                .contains("200");
        assertThat(send(gateway("/api/users/me")).statusCode()).isEqualTo(401);
        assertThat(send(gateway("/internal/credentials/verify").header("Authorization", "Bearer " + token))
                        .statusCode())
                .isEqualTo(404);

        HttpResponse<String> revoked = send(gateway("/oauth2/revoke")
                .header("Authorization", basic("auth-service", "dev-only-auth-service-secret"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + token)));
        assertThat(revoked.statusCode()).isEqualTo(200);
        long revokedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> send(gateway("/api/users/me").header("Authorization", "Bearer " + token))
                                .statusCode()
                        == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
    }

    private HttpResponse<String> tokenRequest() throws IOException, InterruptedException {
        return send(gateway("/oauth2/token")
                .header("Authorization", basic("auth-service", "dev-only-auth-service-secret"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&scope=users.credentials.verify")));
    }

    private static HttpRequest.Builder gateway(String path) {
        return HttpRequest.newBuilder(URI.create(PUBLIC_URL + path)).timeout(Duration.ofSeconds(10));
    }

    private static String basic(String client, String secret) {
        return "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((client + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @AfterAll
    static void stopEverything() throws InterruptedException {
        for (ServiceProcess process : running.reversed()) {
            process.close();
        }
    }

    private static Set<String> expectedNames() {
        return SERVICES.keySet().stream().map(n -> n.toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    private static Set<String> registeredAndUp(String eureka) throws IOException, InterruptedException {
        List<String> names =
                JsonPath.read(registry(eureka), "$.applications.application[?(@.instance[0].status == 'UP')].name");
        return Set.copyOf(names);
    }

    private static String registry(String eureka) throws IOException, InterruptedException {
        return get(eureka + "/eureka/apps").body();
    }

    /** Waits for the condition; on time-out, says which services died and shows the end of their logs. */
    private static void awaitOrExplain(Duration timeout, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(timeout)
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String logs = running.stream()
                    .map(p -> (p.isAlive() ? "" : "[exited] ") + p.logTail(40))
                    .collect(Collectors.joining("\n\n"));
            throw new AssertionError("Platform did not come up within " + timeout + "\n" + logs, e);
        }
    }

    private static int status(String url) throws IOException, InterruptedException {
        return get(url).statusCode();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(5))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
