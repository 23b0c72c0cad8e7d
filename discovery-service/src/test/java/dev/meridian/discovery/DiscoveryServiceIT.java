package dev.meridian.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ActiveProfiles;

@SpringBootTest(
        classes = DiscoveryApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "meridian.registry.username=registry-it",
            "meridian.registry.password=registry-it-password-0123",
            "meridian.registry.expected.applications=counted-service,absent-service",
            "meridian.registry.expected.instances=2"
        })
@ActiveProfiles("dev")
class DiscoveryServiceIT {

    private static final String USER = "registry-it";
    private static final String PASSWORD = "registry-it-password-0123";
    private static final String RIGHT = basic(USER, PASSWORD);
    private static final String WRONG = basic(USER, PASSWORD + "x");

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    /** What anyone who can reach port 8761 could do to the registry before it was secured. */
    record Call(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static List<Call> registryCalls() {
        String instance = "attacker-" + UUID.randomUUID();
        return List.of(
                new Call("POST", "/eureka/apps/USER-SERVICE", instanceJson("USER-SERVICE", instance)),
                new Call("PUT", "/eureka/apps/USER-SERVICE/" + instance, null),
                new Call("PUT", "/eureka/apps/USER-SERVICE/" + instance + "/status?value=OUT_OF_SERVICE", null),
                new Call("DELETE", "/eureka/apps/USER-SERVICE/" + instance + "/status?value=UP", null),
                new Call("DELETE", "/eureka/apps/USER-SERVICE/" + instance, null),
                new Call("GET", "/eureka/apps", null),
                new Call("GET", "/eureka/apps/delta", null),
                new Call("GET", "/eureka/apps/USER-SERVICE", null),
                new Call("GET", "/eureka/peerreplication/batch/", null),
                new Call("POST", "/eureka/peerreplication/batch/", "{\"replicationList\":[]}"),
                new Call("GET", "/", null),
                new Call("GET", "/lastn", null));
    }

    @ParameterizedTest(name = "anonymous {0} → 401")
    @MethodSource("registryCalls")
    void anonymousCallsAreRefusedWithAProblemAndABasicChallenge(Call call) throws Exception {
        HttpResponse<String> response = send(call, null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Basic realm=\"Meridian registry\""));
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body())
                .contains("\"status\":401")
                .doesNotContain("Exception")
                .doesNotContain("at org.");
    }

    @ParameterizedTest(name = "wrong password {0} → 401")
    @MethodSource("registryCalls")
    void aWrongPasswordIsRefused(Call call) throws Exception {
        assertThat(send(call, WRONG).statusCode()).isEqualTo(401);
        assertThat(send(call, basic("someone-else", PASSWORD)).statusCode()).isEqualTo(401);
    }

    @Test
    void anAnonymousRegistrationLeavesNoTraceInTheRegistry() throws Exception {
        String instance = "forged-" + UUID.randomUUID();
        HttpResponse<String> forged =
                send(new Call("POST", "/eureka/apps/USER-SERVICE", instanceJson("USER-SERVICE", instance)), null);

        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(send(new Call("GET", "/eureka/apps/USER-SERVICE/" + instance, null), RIGHT)
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void withTheCredentialsAnInstanceRegistersIsReadChangedAndRemoved() throws Exception {
        String app = "RAW-" + UUID.randomUUID().toString().toUpperCase(Locale.ROOT);
        String instance = "raw-1";

        assertThat(send(new Call("POST", "/eureka/apps/" + app, instanceJson(app, instance)), RIGHT)
                        .statusCode())
                .isEqualTo(204);
        HttpResponse<String> read = send(new Call("GET", "/eureka/apps/" + app, null), RIGHT);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains("\"instanceId\":\"" + instance + "\"");
        assertThat(send(new Call("PUT", "/eureka/apps/" + app + "/" + instance, null), RIGHT)
                        .statusCode())
                .as("heartbeat")
                .isEqualTo(200);
        assertThat(send(
                                new Call(
                                        "PUT",
                                        "/eureka/apps/" + app + "/" + instance + "/status?value=OUT_OF_SERVICE",
                                        null),
                                RIGHT)
                        .statusCode())
                .as("status override")
                .isEqualTo(200);
        assertThat(send(new Call("DELETE", "/eureka/apps/" + app + "/" + instance, null), RIGHT)
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(new Call("GET", "/eureka/apps/" + app, null), RIGHT).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aSpringCloudClientSendsTheCredentialsFromItsServiceUrlRegistersAndLeavesWhenItStops() throws Exception {
        String name = "probe-" + UUID.randomUUID();
        Instant started = Instant.now();

        try (ConfigurableApplicationContext client = startClient(name, USER + ":" + PASSWORD + "@", true)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> registryStatus(name) == 200);
            Duration visibleAfter = Duration.between(started, Instant.now());
            System.out.printf("%s visible in the registry after %d ms%n", name, visibleAfter.toMillis());
            assertThat(registryEntry(name)).contains("\"status\":\"UP\"");
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> registryStatus(name) == 404);
    }

    @Test
    void aSpringCloudClientWithoutOrWithWrongCredentialsNeverGetsIn() throws Exception {
        String anonymous = "anonymous-" + UUID.randomUUID();
        String wrong = "wrong-" + UUID.randomUUID();
        String right = "right-" + UUID.randomUUID();

        try (var a = startClient(anonymous, "", true);
                var w = startClient(wrong, USER + ":" + PASSWORD + "x@", true);
                var r = startClient(right, USER + ":" + PASSWORD + "@", true)) {
            // The one with the credentials gets in; by then the others have tried to register and renew too.
            await().atMost(Duration.ofSeconds(10)).until(() -> registryStatus(right) == 200);
            Thread.sleep(3_000); // several more heartbeats (1 s) and registration retries of the other two
            assertThat(registryStatus(anonymous)).isEqualTo(404);
            assertThat(registryStatus(wrong)).isEqualTo(404);
        }
    }

    @Test
    void crashedClientIsEvictedWithinFifteenSeconds() throws Exception {
        String name = "crash-" + UUID.randomUUID();
        // Not unregistering on shutdown is what a killed process looks like to the server: the heartbeats stop.
        ConfigurableApplicationContext client = startClient(name, USER + ":" + PASSWORD + "@", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> registryStatus(name) == 200);
        client.close();
        Instant crashed = Instant.now();

        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> registryStatus(name) == 404);
        Duration evictedAfter = Duration.between(crashed, Instant.now());
        System.out.printf("%s evicted %d ms after its last heartbeat%n", name, evictedAfter.toMillis());
        assertThat(evictedAfter).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void theDashboardListsTheRegistryAfterTheSameLogin() throws Exception {
        assertThat(get("/", "text/html", null).statusCode()).isEqualTo(401);
        assertThat(get("/", "text/html", WRONG).statusCode()).isEqualTo(401);

        var response = get("/", "text/html", RIGHT);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Instances currently registered with Eureka");
        assertThat(response.headers().firstValue("Set-Cookie"))
                .as("no session: every request carries its credentials")
                .isEmpty();
    }

    @Test
    void probesStayOpenAndMetricsAreOnTheManagementPortOnly() throws Exception {
        assertThat(get("/livez", "application/json", null).body()).contains("\"status\":\"UP\"");
        assertThat(get("/readyz", "application/json", null).body()).contains("\"status\":\"UP\"");
        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/actuator/prometheus"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        HttpResponse<String> onTheApiPort = get("/actuator/prometheus", "text/plain", null);
        assertThat(onTheApiPort.statusCode())
                .as("not on the registry's own port")
                .isNotEqualTo(200);
        assertThat(onTheApiPort.body()).doesNotContain("jvm_memory_used_bytes");
    }

    @Test
    void theMetricsCountEachExpectedApplicationsUpInstancesAbsentOnesAsZero() throws Exception {
        String up = "counted-" + UUID.randomUUID();
        String down = "counted-" + UUID.randomUUID();
        assertThat(send(new Call("POST", "/eureka/apps/COUNTED-SERVICE", instanceJson("COUNTED-SERVICE", up)), RIGHT)
                        .statusCode())
                .isEqualTo(204);
        assertThat(send(new Call("POST", "/eureka/apps/COUNTED-SERVICE", instanceJson("COUNTED-SERVICE", down)), RIGHT)
                        .statusCode())
                .isEqualTo(204);
        assertThat(send(
                                new Call(
                                        "PUT",
                                        "/eureka/apps/COUNTED-SERVICE/" + down + "/status?value=OUT_OF_SERVICE",
                                        null),
                                RIGHT)
                        .statusCode())
                .isEqualTo(200);
        try {
            String metrics = http.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://localhost:" + managementPort + "/actuator/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics)
                    .contains("meridian_registry_instances{application=\"counted-service\"} 1.0")
                    .contains("meridian_registry_instances{application=\"absent-service\"} 0.0")
                    .contains("meridian_registry_instances_expected{application=\"counted-service\"} 2.0")
                    .contains("meridian_registry_instances_expected{application=\"absent-service\"} 2.0");
        } finally {
            send(new Call("DELETE", "/eureka/apps/COUNTED-SERVICE/" + up, null), RIGHT);
            send(new Call("DELETE", "/eureka/apps/COUNTED-SERVICE/" + down, null), RIGHT);
        }
    }

    @Test
    void withoutCredentialsOutsideTheDevProfileTheRegistryRefusesToStart() {
        assertThatThrownBy(() -> startServer("meridian.registry.username=", "meridian.registry.password="))
                .hasStackTraceContaining("EUREKA_USERNAME")
                .hasStackTraceContaining("EUREKA_PASSWORD");
        assertThatThrownBy(() -> startServer("meridian.registry.username=meridian", "meridian.registry.password=short"))
                .hasStackTraceContaining("at least 16 characters");
        assertThatThrownBy(() -> startServer(
                        "meridian.registry.username=meridian",
                        "meridian.registry.password=pass/word@with+base64=chars"))
                .hasStackTraceContaining("must be URL-safe");
    }

    /** A second registry without the dev profile: only its credentials decide whether it starts. */
    private static void startServer(String... credentials) {
        var arguments = new java.util.ArrayList<>(
                List.of("--server.port=0", "--management.server.port=0", "--spring.jmx.enabled=false"));
        // Command-line arguments: they outrank application.yml, as the environment variables would.
        List.of(credentials).forEach(credential -> arguments.add("--" + credential));
        new SpringApplicationBuilder(DiscoveryApplication.class)
                .run(arguments.toArray(String[]::new))
                .close();
    }

    /** A real Spring Cloud Eureka client, as every Meridian service runs it, with short leases. */
    private ConfigurableApplicationContext startClient(String name, String userInfo, boolean unregisterOnShutdown) {
        return new SpringApplicationBuilder(ProbeClient.class)
                .properties(
                        "spring.config.name=probe-client",
                        "spring.application.name=" + name,
                        "server.port=0",
                        "spring.jmx.enabled=false",
                        // As every service's application.yml has it: the credentials in the URL's user-info.
                        "eureka.client.service-url.defaultZone=http://" + userInfo + "localhost:" + port + "/eureka/",
                        "eureka.client.fetch-registry=false",
                        // Jersey is here only for the server; clients talk to Eureka over RestClient, as the services
                        // do.
                        "eureka.client.jersey.enabled=false",
                        "eureka.client.should-unregister-on-shutdown=" + unregisterOnShutdown,
                        "eureka.client.initial-instance-info-replication-interval-seconds=1",
                        "eureka.client.instance-info-replication-interval-seconds=1",
                        "eureka.instance.hostname=127.0.0.1",
                        "eureka.instance.lease-renewal-interval-in-seconds=1",
                        "eureka.instance.lease-expiration-duration-in-seconds=5")
                .run();
    }

    private int registryStatus(String name) throws IOException, InterruptedException {
        return get("/eureka/apps/" + name.toUpperCase(Locale.ROOT), "application/json", RIGHT)
                .statusCode();
    }

    private String registryEntry(String name) throws IOException, InterruptedException {
        return get("/eureka/apps/" + name.toUpperCase(Locale.ROOT), "application/json", RIGHT)
                .body();
    }

    private HttpResponse<String> get(String path, String accept, String authorization)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", accept);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(Call call, String authorization) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + call.path()))
                .header("Accept", "application/json")
                .method(
                        call.method(),
                        call.body() == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(call.body()));
        if (call.body() != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What an attacker would register: its own host as the instance of a platform service. */
    private static String instanceJson(String app, String instanceId) {
        return """
                {"instance":{"instanceId":"%s","hostName":"203.0.113.66","app":"%s","ipAddr":"203.0.113.66",
                "status":"UP","port":{"$":8081,"@enabled":"true"},"securePort":{"$":443,"@enabled":"false"},
                "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},
                "vipAddress":"%s"}}""".formatted(instanceId, app, app.toLowerCase(Locale.ROOT));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Auto-configuration alone, not a {@code @Configuration}: kept out of the server's own context. */
    @EnableAutoConfiguration
    static class ProbeClient {}
}
