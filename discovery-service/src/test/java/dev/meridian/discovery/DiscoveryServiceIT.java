package dev.meridian.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ActiveProfiles;

@SpringBootTest(classes = DiscoveryApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("dev")
class DiscoveryServiceIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void clientRegistersIsDiscoverableWithinSecondsAndLeavesWhenItStops() throws Exception {
        String name = "probe-" + UUID.randomUUID();
        Instant started = Instant.now();

        try (ConfigurableApplicationContext client = startClient(name, true)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> registryStatus(name) == 200);
            Duration visibleAfter = Duration.between(started, Instant.now());
            System.out.printf("%s visible in the registry after %d ms%n", name, visibleAfter.toMillis());
            assertThat(registryEntry(name)).contains("\"status\":\"UP\"");
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> registryStatus(name) == 404);
    }

    @Test
    void crashedClientIsEvictedWithinFifteenSeconds() throws Exception {
        String name = "crash-" + UUID.randomUUID();
        // Not unregistering on shutdown is what a killed process looks like to the server: the heartbeats stop.
        startClient(name, false).close();
        Instant crashed = Instant.now();
        assertThat(registryStatus(name)).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> registryStatus(name) == 404);
        Duration evictedAfter = Duration.between(crashed, Instant.now());
        System.out.printf("%s evicted %d ms after its last heartbeat%n", name, evictedAfter.toMillis());
        assertThat(evictedAfter).isLessThan(Duration.ofSeconds(18));
    }

    @Test
    void dashboardListsTheRegistry() throws Exception {
        var response = get("/", "text/html");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Instances currently registered with Eureka");
    }

    @Test
    void exposesProbesAndPrometheusMetrics() throws Exception {
        assertThat(get("/livez", "application/json").body()).contains("\"status\":\"UP\"");
        assertThat(get("/readyz", "application/json").body()).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/prometheus", "text/plain").body()).contains("jvm_memory_used_bytes");
    }

    /** A real Spring Cloud Eureka client, as every Meridian service runs it, with short leases. */
    private ConfigurableApplicationContext startClient(String name, boolean unregisterOnShutdown) {
        return new SpringApplicationBuilder(ProbeClient.class)
                .properties(
                        "spring.config.name=probe-client",
                        "spring.application.name=" + name,
                        "server.port=0",
                        "spring.jmx.enabled=false",
                        "eureka.client.service-url.defaultZone=http://localhost:" + port + "/eureka/",
                        "eureka.client.fetch-registry=false",
                        // Jersey is here only for the server; clients talk to Eureka over RestClient, as the services
                        // do.
                        "eureka.client.jersey.enabled=false",
                        "eureka.client.should-unregister-on-shutdown=" + unregisterOnShutdown,
                        "eureka.instance.hostname=127.0.0.1",
                        "eureka.instance.lease-renewal-interval-in-seconds=1",
                        "eureka.instance.lease-expiration-duration-in-seconds=5")
                .run();
    }

    private int registryStatus(String name) throws IOException, InterruptedException {
        return get("/eureka/apps/" + name.toUpperCase(Locale.ROOT), "application/json")
                .statusCode();
    }

    private String registryEntry(String name) throws IOException, InterruptedException {
        return get("/eureka/apps/" + name.toUpperCase(Locale.ROOT), "application/json")
                .body();
    }

    private HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", accept)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Auto-configuration alone, not a {@code @Configuration}: kept out of the server's own context. */
    @EnableAutoConfiguration
    static class ProbeClient {}
}
