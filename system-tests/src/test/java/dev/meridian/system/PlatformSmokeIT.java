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
import dev.meridian.testkit.TokenIssuer;
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
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.json.JsonContent;

/**
 * The whole platform from its packaged jars: discovery first, then the five other services against real
 * PostgreSQL, Redis, Kafka and SMTP from the testkit. Each must register with Eureka — which admits only who knows its
 * credentials, generated for this run — and report UP, and a client must be able to use the platform through the
 * gateway with a token from auth-service. The gateway and the resource servers take auth-service's signing keys from
 * its pinned address, so an instance registered under its name cannot supply keys.
 */
class PlatformSmokeIT {

    private static final Map<String, List<Server>> SERVICES = Map.of(
            "gateway-service", List.of(REDIS),
            "user-service", List.of(POSTGRES, REDIS, KAFKA),
            "auth-service", List.of(POSTGRES, REDIS, KAFKA),
            "audit-service", List.of(POSTGRES, REDIS, KAFKA),
            "notification-service", List.of(POSTGRES, REDIS, KAFKA, SMTP));
    private static final Path ROOT = Path.of(System.getProperty("meridian.root", ".."));
    private static final Path LOGS = Path.of("target", "smoke-logs");
    private static final List<ServiceProcess> running = new ArrayList<>();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static final int GATEWAY_PORT = ServiceProcess.freePort();
    /** The public URL: tokens name it as issuer, every resource server and the gateway check that. */
    static final String PUBLIC_URL = "http://127.0.0.1:" + GATEWAY_PORT;

    /** auth-service's own address: the gateway and the resource servers fetch its JWKS there, not through Eureka. */
    private static final int AUTH_PORT = ServiceProcess.freePort();

    private static final String REGISTRY_USER = "smoke";
    /** A fresh registry password per run, as an operator's secret would be (URL-safe: clients send it in a URL). */
    private static final String REGISTRY_PASSWORD = java.util.HexFormat.of().formatHex(randomBytes());
    /**
     * Client notification-service's secret at auth-service, fresh per run: auth-service's dev profile registers the
     * client with it (client credentials, scope users.mail-links) and notification-service fetches mail links with it.
     */
    private static final String NOTIFICATION_CLIENT_SECRET =
            java.util.HexFormat.of().formatHex(randomBytes());

    private static String eureka;

    /**
     * Starts the platform once per test JVM: {@link IdentityThroughTheGatewayIT} uses the same processes, and they
     * stop when the JVM ends.
     */
    @BeforeAll
    static synchronized void startThePlatform() throws Exception {
        if (eureka != null) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(PlatformSmokeIT::stopEverything));
        int discoveryPort = ServiceProcess.freePort();
        eureka = "http://127.0.0.1:" + discoveryPort;
        running.add(ServiceProcess.start(
                ROOT,
                "discovery-service",
                ServiceProcess.SMALL_JVM,
                Map.of(
                        "server.port",
                        discoveryPort,
                        "management.server.port",
                        ServiceProcess.freePort(),
                        "spring.profiles.active",
                        "dev",
                        "meridian.registry.username",
                        REGISTRY_USER,
                        "meridian.registry.password",
                        REGISTRY_PASSWORD),
                LOGS));
        awaitOrExplain(Duration.ofSeconds(90), () -> status(eureka + "/readyz") == 200);

        String jwks = "http://127.0.0.1:" + AUTH_PORT + "/oauth2/jwks";
        for (var service : SERVICES.entrySet()) {
            Map<String, Object> properties = new HashMap<>(Map.of(
                    "server.port",
                    switch (service.getKey()) {
                        case "gateway-service" -> GATEWAY_PORT;
                        case "auth-service" -> AUTH_PORT;
                        default -> 0;
                    },
                    "spring.profiles.active",
                    "dev",
                    "eureka.client.service-url.defaultZone",
                    "http://" + REGISTRY_USER + ":" + REGISTRY_PASSWORD + "@127.0.0.1:" + discoveryPort + "/eureka/",
                    "eureka.instance.hostname",
                    "127.0.0.1",
                    "meridian.auth.issuer",
                    PUBLIC_URL,
                    "meridian.gateway.jwt.issuer",
                    PUBLIC_URL,
                    // Pinned, as compose and Kubernetes set MERIDIAN_JWK_SET_URI: not lb://auth-service.
                    "meridian.gateway.jwt.jwk-set-uri",
                    jwks));
            if (List.of("user-service", "audit-service", "notification-service").contains(service.getKey())) {
                // Only to the resource-server starter's services: Boot would build a decoder from these in any
                // service with its resource-server auto-configuration (the gateway has one, with settings of its own).
                properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", PUBLIC_URL);
                properties.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", jwks);
            }
            // Links in mails (verification, reset, email change) lead through the gateway.
            properties.put("meridian.public-url", PUBLIC_URL);
            if (service.getKey().equals("auth-service") || service.getKey().equals("notification-service")) {
                properties.put("NOTIFICATION_SERVICE_CLIENT_SECRET", NOTIFICATION_CLIENT_SECRET);
                properties.put(
                        "spring.security.oauth2.client.provider.meridian.token-uri",
                        "http://127.0.0.1:" + AUTH_PORT + "/oauth2/token");
            }
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
            assertThat(new JsonContent(health.body()))
                    .extractingPath("$.status")
                    .asString()
                    .as(healthUrl)
                    .isEqualTo("UP");
        }
    }

    @Test
    void theRegistryRefusesAnonymousAndWrongCredentialsEvenToRead() throws Exception {
        String forged = "{\"instance\":{\"instanceId\":\"forged\",\"hostName\":\"203.0.113.66\","
                + "\"app\":\"USER-SERVICE\",\"ipAddr\":\"203.0.113.66\",\"status\":\"UP\","
                + "\"port\":{\"$\":8081,\"@enabled\":\"true\"},\"dataCenterInfo\":{\"@class\":"
                + "\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\",\"name\":\"MyOwn\"}}}";
        for (String authorization : new String[] {null, basic(REGISTRY_USER, REGISTRY_PASSWORD + "0")}) {
            var register = HttpRequest.newBuilder(URI.create(eureka + "/eureka/apps/USER-SERVICE"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(forged));
            var read =
                    HttpRequest.newBuilder(URI.create(eureka + "/eureka/apps")).header("Accept", "application/json");
            if (authorization != null) {
                register.header("Authorization", authorization);
                read.header("Authorization", authorization);
            }
            assertThat(send(register).statusCode()).isEqualTo(401);
            assertThat(send(read).statusCode()).isEqualTo(401);
        }
        assertThat(registry(eureka)).doesNotContain("203.0.113.66");
    }

    @Test
    void anInstanceRegisteredAsAuthServiceCannotSupplySigningKeys() throws Exception {
        // Someone who got into the registry (the credentials leaked) registers a JWKS of their own as auth-service.
        TokenIssuer forger = TokenIssuer.start(PUBLIC_URL);
        URI forgedKeys = URI.create(forger.jwkSetUri());
        String instance = "{\"instance\":{\"instanceId\":\"forger\",\"hostName\":\"127.0.0.1\","
                + "\"app\":\"AUTH-SERVICE\",\"ipAddr\":\"127.0.0.1\",\"status\":\"UP\","
                + "\"vipAddress\":\"auth-service\",\"port\":{\"$\":" + forgedKeys.getPort()
                + ",\"@enabled\":\"true\"},\"dataCenterInfo\":{\"@class\":"
                + "\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\",\"name\":\"MyOwn\"}}}";
        var register = HttpRequest.newBuilder(URI.create(eureka + "/eureka/apps/AUTH-SERVICE"))
                .header("Authorization", basic(REGISTRY_USER, REGISTRY_PASSWORD))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(instance));
        assertThat(send(register).statusCode()).isEqualTo(204);
        try {
            // Long enough for every registry fetch (2 s) and load-balancer cache of the dev profile to list it.
            Thread.sleep(8_000);
            for (int attempt = 0; attempt < 6; attempt++) {
                String token = forger.sign(forger.claims(UUID.randomUUID().toString(), "user-service")
                        .claim("scope", "openid profile")
                        .build());
                assertThat(send(gateway("/api/users/me").header("Authorization", "Bearer " + token))
                                .statusCode())
                        .as("a token signed with the forged keys, attempt %d", attempt)
                        .isEqualTo(401);
            }
        } finally {
            send(HttpRequest.newBuilder(URI.create(eureka + "/eureka/apps/AUTH-SERVICE/forger"))
                    .header("Authorization", basic(REGISTRY_USER, REGISTRY_PASSWORD))
                    .DELETE());
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
                        == 202);
        // Signed in as a native app does (authorization code + PKCE, the dev public client meridian-cli).
        String token = signIn(email, "correct horse battery");

        HttpResponse<String> accepted = send(gateway("/api/users/me").header("Authorization", "Bearer " + token));
        assertThat(accepted.statusCode())
                .as("past the gateway's and user-service's token checks: %s", accepted.body())
                .isEqualTo(200);
        assertThat(accepted.headers().firstValue("X-RateLimit-Burst-Capacity"))
                .as("rate-limited")
                .isPresent();
        assertThat(send(gateway("/api/users/me")).statusCode()).isEqualTo(401);
        assertThat(send(gateway("/internal/credentials/verify").header("Authorization", "Bearer " + token))
                        .statusCode())
                .isEqualTo(404);

        // RFC 7009 §2.1 for a public client: its client_id, as a CLI's "sign out" sends it.
        HttpResponse<String> revoked = send(gateway("/oauth2/revoke")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("client_id=meridian-cli&token=" + token)));
        assertThat(revoked.statusCode()).isEqualTo(200);
        long revokedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> send(gateway("/api/users/me").header("Authorization", "Bearer " + token))
                                .statusCode()
                        == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
    }

    /**
     * audit-service and notification-service check tokens against auth-service's revocation list in Redis and refuse
     * every token without it: with their Redis, the development administrator's token reads both (exactly 200), a
     * user's token is authenticated but not allowed (exactly 403, not 401), and once revoked the administrator's
     * token is refused by both within a second.
     */
    @Test
    void auditAndNotificationServiceTakeAValidTokenThroughTheGatewayAndRefuseItOnceRevoked() throws Exception {
        String email = "smoke-reader-" + System.nanoTime() + "@example.com";
        awaitOrExplain(
                Duration.ofSeconds(60),
                () -> send(gateway("/api/users")
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email
                                                + "\",\"name\":\"Reader\",\"password\":\"correct horse battery\"}")))
                                .statusCode()
                        == 202);
        String user = signIn(email, "correct horse battery");
        // user-service's dev profile creates this administrator (docs/user-service.md, "First administrator").
        String admin = signIn("admin@example.com", "dev-only-admin-password");
        List<String> readPaths = List.of("/api/audit/events?limit=1", "/api/notifications/deliveries?limit=1");

        for (String path : readPaths) {
            // The gateway finds each service through Eureka once its registry fetch and load-balancer cache have it.
            awaitOrExplain(
                    Duration.ofSeconds(60),
                    () -> send(gateway(path).header("Authorization", "Bearer " + admin))
                                    .statusCode()
                            != 503);
            HttpResponse<String> read = send(gateway(path).header("Authorization", "Bearer " + admin));
            assertThat(read.statusCode())
                    .as("%s with the administrator's token: %s", path, read.body())
                    .isEqualTo(200);
            HttpResponse<String> forbidden = send(gateway(path).header("Authorization", "Bearer " + user));
            assertThat(forbidden.statusCode())
                    .as("%s with a user's token: authenticated, not allowed: %s", path, forbidden.body())
                    .isEqualTo(403);
            assertThat(send(gateway(path)).statusCode())
                    .as("%s without a token", path)
                    .isEqualTo(401);
        }

        HttpResponse<String> revoked = send(gateway("/oauth2/revoke")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("client_id=meridian-cli&token=" + admin)));
        assertThat(revoked.statusCode()).isEqualTo(200);
        long revokedAt = System.nanoTime();
        for (String path : readPaths) {
            await().atMost(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> send(gateway(path).header("Authorization", "Bearer " + admin))
                                    .statusCode()
                            == 401);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
    }

    /** devstack's sign-in script against this run's gateway: prints the access token. */
    static String signIn(String email, String password) throws Exception {
        ProcessBuilder signIn = new ProcessBuilder("bash", "devstack/sign-in.sh", email, password)
                .directory(ROOT.toFile())
                .redirectErrorStream(false);
        signIn.environment().put("MERIDIAN_URL", PUBLIC_URL);
        Process process = signIn.start();
        String token =
                new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        String errors = new String(process.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(errors).isZero();
        assertThat(token).as(errors).isNotBlank();
        return token;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    static HttpRequest.Builder gateway(String path) {
        return HttpRequest.newBuilder(URI.create(PUBLIC_URL + path)).timeout(Duration.ofSeconds(10));
    }

    private static String basic(String client, String secret) {
        return "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((client + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void stopEverything() {
        for (ServiceProcess process : running.reversed()) {
            try {
                process.close();
            } catch (Exception e) {
                System.err.println("Could not stop " + process + ": " + e);
            }
        }
    }

    /** The registry's URL, once {@link #startThePlatform()} ran. */
    static String eureka() {
        return eureka;
    }

    private static Set<String> expectedNames() {
        return SERVICES.keySet().stream().map(n -> n.toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    private static Set<String> registeredAndUp(String eureka) throws IOException, InterruptedException {
        List<String> names =
                JsonPath.read(registry(eureka), "$.applications.application[?(@.instance[0].status == 'UP')].name");
        return Set.copyOf(names);
    }

    static String registry(String eureka) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(eureka + "/eureka/apps"))
                .header("Accept", "application/json")
                .header("Authorization", basic(REGISTRY_USER, REGISTRY_PASSWORD))
                .timeout(Duration.ofSeconds(5))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Waits for the condition; on time-out, says which services died and shows the end of their logs. */
    static void awaitOrExplain(Duration timeout, java.util.concurrent.Callable<Boolean> condition) {
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
