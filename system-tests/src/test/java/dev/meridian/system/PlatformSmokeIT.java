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
import org.junit.jupiter.api.Test;

/**
 * The whole platform from its packaged jars: discovery first, then the five other services against real
 * PostgreSQL, Redis, Kafka and SMTP from the testkit. Each must register with Eureka and report UP.
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

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void everyServiceStartsAgainstRealInfrastructureRegistersAndReportsUp() throws Exception {
        int discoveryPort = ServiceProcess.freePort();
        String eureka = "http://127.0.0.1:" + discoveryPort;
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
                    0,
                    "spring.profiles.active",
                    "dev",
                    "eureka.client.service-url.defaultZone",
                    eureka + "/eureka/",
                    "eureka.instance.hostname",
                    "127.0.0.1"));
            service.getValue().forEach(server -> properties.putAll(server.springProperties(service.getKey())));
            running.add(ServiceProcess.start(ROOT, service.getKey(), ServiceProcess.SMALL_JVM, properties, LOGS));
        }

        awaitOrExplain(Duration.ofMinutes(4), () -> registeredAndUp(eureka).containsAll(expectedNames()));
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

    @AfterAll
    static void stopEverything() throws InterruptedException {
        for (ServiceProcess process : running.reversed()) {
            process.close();
        }
    }

    private Set<String> expectedNames() {
        return SERVICES.keySet().stream().map(n -> n.toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    private Set<String> registeredAndUp(String eureka) throws IOException, InterruptedException {
        List<String> names =
                JsonPath.read(registry(eureka), "$.applications.application[?(@.instance[0].status == 'UP')].name");
        return Set.copyOf(names);
    }

    private String registry(String eureka) throws IOException, InterruptedException {
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

    private int status(String url) throws IOException, InterruptedException {
        return get(url).statusCode();
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(5))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
