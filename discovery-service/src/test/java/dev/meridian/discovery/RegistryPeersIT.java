package dev.meridian.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.testkit.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replicas of the registry (the {@code peers} profile, as Kubernetes runs two) from the packaged jar, one process
 * each (Eureka's Jersey resources find their registry through a static holder, so one JVM holds one server): peers
 * replicate with the registry's account from the user-info of their peer URLs, and a peer that does not know the
 * password cannot push registrations into the others.
 */
class RegistryPeersIT {

    private static final String USER = "peers-it";
    private static final String PASSWORD = "peers-it-password-0123456789";
    private static final Path LOGS = Path.of("target", "peers-logs");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<ServiceProcess> running = new ArrayList<>();

    private static final int A = ServiceProcess.freePort();
    private static final int B = ServiceProcess.freePort();
    private static final int IMPOSTOR = ServiceProcess.freePort();

    @BeforeAll
    static void startThreeRegistries() throws Exception {
        // Host names differ from the peer URLs' so each sees the other as a peer, not as itself.
        running.add(start("peer-a", A, "localhost", USER + ":" + PASSWORD + "@127.0.0.1:" + B));
        running.add(start("peer-b", B, "127.0.0.1", USER + ":" + PASSWORD + "@localhost:" + A));
        // Knows where A is, not its password.
        running.add(start("impostor", IMPOSTOR, "127.0.0.1", USER + ":wrong-password-0123456789@localhost:" + A));
        for (var process : running) {
            int port = process.module().equals("peer-a") ? A : process.module().equals("peer-b") ? B : IMPOSTOR;
            process.awaitReady(port, Duration.ofMinutes(2));
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (var process : running) {
            process.close();
        }
    }

    @Test
    void anInstanceRegisteredWithOnePeerIsListedByTheOtherThroughAuthenticatedReplication() throws Exception {
        assertThat(register(A, "REPLICATED", "r-1")).isEqualTo(204);

        await().atMost(Duration.ofSeconds(15)).until(() -> status(B, "REPLICATED", PASSWORD) == 200);
    }

    @Test
    void aPeerWithoutThePasswordCannotReplicateIntoTheRegistry() throws Exception {
        assertThat(register(IMPOSTOR, "PUSHED", "p-1")).isEqualTo(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> status(IMPOSTOR, "PUSHED", PASSWORD) == 200);

        // Its replication batches to A are answered 401; a correct peer's arrive within a second or two.
        Thread.sleep(6_000);
        assertThat(status(A, "PUSHED", PASSWORD)).isEqualTo(404);
        assertThat(status(B, "PUSHED", PASSWORD)).isEqualTo(404);
    }

    private static ServiceProcess start(String name, int port, String hostname, String peer) throws Exception {
        return ServiceProcess.startJar(
                name,
                Path.of(
                        "target",
                        "discovery-service-" + System.getProperty("meridian.version", "0.1.0-SNAPSHOT") + ".jar"),
                ServiceProcess.SMALL_JVM,
                Map.of(
                        "spring.profiles.active",
                        "peers,dev",
                        "server.port",
                        port,
                        "management.server.port",
                        ServiceProcess.freePort(),
                        "eureka.instance.hostname",
                        hostname,
                        "meridian.registry.username",
                        USER,
                        // The impostor's own password is the real one: only its peer URL is wrong.
                        "meridian.registry.password",
                        PASSWORD,
                        "eureka.client.service-url.defaultZone",
                        "http://" + peer + "/eureka/",
                        "eureka.server.wait-time-in-ms-when-sync-empty",
                        0),
                LOGS);
    }

    private static int register(int port, String app, String instance) throws Exception {
        String json = """
                {"instance":{"instanceId":"%s","hostName":"127.0.0.1","app":"%s","ipAddr":"127.0.0.1",
                "status":"UP","port":{"$":9,"@enabled":"true"},
                "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}}}""".formatted(instance, app);
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/eureka/apps/" + app))
                                .header("Authorization", basic(PASSWORD))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static int status(int port, String app, String password) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/eureka/apps/" + app))
                                .header("Authorization", basic(password))
                                .header("Accept", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String basic(String password) {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
