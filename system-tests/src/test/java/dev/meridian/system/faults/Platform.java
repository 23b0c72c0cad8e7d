package dev.meridian.system.faults;

import dev.meridian.testkit.KafkaProcess;
import dev.meridian.testkit.PostgresServer;
import dev.meridian.testkit.RedisServer;
import dev.meridian.testkit.ServiceProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The platform of the fault scenario, every part of which the scenario may kill: its own PostgreSQL (zonky, on a
 * fixed port and data folder, so it can be restarted in place — never the machine's), its own Redis, Kafka as a
 * process, the mail catcher, and the services from their packaged jars — discovery, two gateways, two user-services
 * sharing one database, one auth-, audit- and notification-service — each on a fixed port so a restart comes back
 * at the same address.
 */
final class Platform implements AutoCloseable {

    static final List<String> GATEWAYS = List.of("gateway-a", "gateway-b");
    static final List<String> USER_SERVICES = List.of("user-service-a", "user-service-b");

    /** The services' JVM options: testkit's small JVMs unless {@code faults.jvm} names others (space-separated). */
    private static final List<String> JVM_OPTIONS =
            System.getProperty("faults.jvm", "").isBlank()
                    ? ServiceProcess.SMALL_JVM
                    : List.of(System.getProperty("faults.jvm").strip().split("\\s+"));

    private static final String REGISTRY_USER = "faults";
    private static final String REGISTRY_PASSWORD = secret();
    private static final String NOTIFICATION_CLIENT_SECRET = secret();

    private final Path root;
    private final Path logs;
    private final Path postgresData;
    private final int postgresPort = ServiceProcess.freePort();
    private EmbeddedPostgres postgres;
    private final RedisServer redis;
    private final KafkaProcess kafka;
    private final MailCatcher mail;
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<String, Integer> restarts = new LinkedHashMap<>();
    /** Whether iptables rules may be left to remove (a run without the partition needs neither root nor iptables). */
    private boolean partitioned;

    /** A service as started: its module, port and properties, so it can be started again the same way. */
    private record Service(String module, int port, Map<String, Object> properties, ServiceProcess process) {}

    Platform(Path root, Path logs) throws Exception {
        this.root = root;
        this.logs = logs;
        Files.createDirectories(logs);
        postgresData = Files.createTempDirectory("meridian-faults-pg-");
        startPostgres();
        redis = RedisServer.startEmbedded();
        kafka = KafkaProcess.startOnFreePort();
        mail = new MailCatcher(ServiceProcess.freePort());
    }

    /** Starts discovery, then the rest; returns once each is ready. */
    void startServices() throws Exception {
        int discoveryPort = ServiceProcess.freePort();
        start(
                "discovery",
                "discovery-service",
                discoveryPort,
                Map.of(
                        "management.server.port", ServiceProcess.freePort(),
                        "meridian.registry.username", REGISTRY_USER,
                        "meridian.registry.password", REGISTRY_PASSWORD));
        awaitReady("discovery", Duration.ofSeconds(120));

        int authPort = ServiceProcess.freePort();
        var gatewayPorts = GATEWAYS.stream().map(g -> ServiceProcess.freePort()).toList();
        String publicUrl = "http://127.0.0.1:" + gatewayPorts.getFirst();
        String jwks = "http://127.0.0.1:" + authPort + "/oauth2/jwks";
        PostgresServer admin = PostgresServer.connectTo(jdbc("postgres"), "postgres", "");
        String userDatabase = admin.createDatabase("user_service");

        Function<String, Map<String, Object>> common = name -> {
            var p = new LinkedHashMap<String, Object>();
            p.put("spring.profiles.active", "dev");
            p.put(
                    "eureka.client.service-url.defaultZone",
                    "http://" + REGISTRY_USER + ":" + REGISTRY_PASSWORD + "@127.0.0.1:" + discoveryPort + "/eureka/");
            p.put("eureka.instance.hostname", "127.0.0.1");
            p.put("meridian.auth.issuer", publicUrl);
            p.put("meridian.gateway.jwt.issuer", publicUrl);
            p.put("meridian.gateway.jwt.jwk-set-uri", jwks);
            p.put("meridian.public-url", publicUrl);
            p.put("spring.data.redis.url", redis.url());
            return p;
        };
        Function<String, Map<String, Object>> backend = name -> {
            var p = common.apply(name);
            p.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
            return p;
        };
        Function<String, Map<String, Object>> resourceServer = name -> {
            var p = backend.apply(name);
            p.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", publicUrl);
            p.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", jwks);
            return p;
        };

        for (String name : USER_SERVICES) {
            var p = resourceServer.apply(name);
            p.putAll(datasource(userDatabase));
            start(name, "user-service", ServiceProcess.freePort(), p);
        }
        var auth = backend.apply("auth-service");
        auth.putAll(datasource(admin.createDatabase("auth_service")));
        auth.put("NOTIFICATION_SERVICE_CLIENT_SECRET", NOTIFICATION_CLIENT_SECRET);
        auth.put(
                "spring.security.oauth2.client.provider.meridian.token-uri",
                "http://127.0.0.1:" + authPort + "/oauth2/token");
        start("auth-service", "auth-service", authPort, auth);

        var audit = resourceServer.apply("audit-service");
        audit.putAll(datasource(admin.createDatabase("audit_service")));
        start("audit-service", "audit-service", ServiceProcess.freePort(), audit);

        var notification = resourceServer.apply("notification-service");
        notification.putAll(datasource(admin.createDatabase("notification_service")));
        notification.put("NOTIFICATION_SERVICE_CLIENT_SECRET", NOTIFICATION_CLIENT_SECRET);
        notification.put(
                "spring.security.oauth2.client.provider.meridian.token-uri",
                "http://127.0.0.1:" + authPort + "/oauth2/token");
        notification.put("spring.mail.host", "127.0.0.1");
        notification.put("spring.mail.port", mail.port());
        start("notification-service", "notification-service", ServiceProcess.freePort(), notification);

        for (int i = 0; i < GATEWAYS.size(); i++) {
            var p = common.apply(GATEWAYS.get(i));
            p.put("management.server.port", ServiceProcess.freePort());
            start(GATEWAYS.get(i), "gateway-service", gatewayPorts.get(i), p);
        }
        for (String name : services.keySet()) {
            awaitReady(name, Duration.ofMinutes(4));
        }
    }

    private void start(String name, String module, int port, Map<String, Object> extra) throws IOException {
        var properties = new LinkedHashMap<String, Object>(extra);
        properties.put("server.port", port);
        properties.putIfAbsent("spring.profiles.active", "dev");
        int restart = restarts.merge(name, 1, Integer::sum);
        var process = ServiceProcess.startJar(
                restart == 1 ? name : name + "-" + restart,
                ServiceProcess.jar(root, module),
                JVM_OPTIONS,
                properties,
                logs);
        services.put(name, new Service(module, port, properties, process));
    }

    void awaitReady(String name, Duration timeout) throws InterruptedException {
        Service service = services.get(name);
        service.process().awaitReady(service.port(), timeout);
    }

    /** {@code kill -9} of one service. */
    void kill(String name) throws InterruptedException {
        services.get(name).process().kill();
    }

    /** Starts a killed service again, the same way, at the same port (a new log). */
    void restart(String name) throws IOException {
        Service old = services.get(name);
        var properties = new LinkedHashMap<>(old.properties());
        properties.remove("server.port");
        start(name, old.module(), old.port(), properties);
    }

    /** Cuts one service off from its callers on loopback while it keeps running and stays registered. */
    void partition(String name) throws IOException, InterruptedException {
        partitioned = true;
        LoopbackPartition.cut(services.get(name).port());
    }

    void healPartitions() throws IOException, InterruptedException {
        LoopbackPartition.healAll();
    }

    String gatewayUrl(String name) {
        return "http://127.0.0.1:" + services.get(name).port();
    }

    List<String> gatewayUrls() {
        return GATEWAYS.stream().map(this::gatewayUrl).toList();
    }

    KafkaProcess kafka() {
        return kafka;
    }

    RedisServer redis() {
        return redis;
    }

    MailCatcher mail() {
        return mail;
    }

    /** Stops PostgreSQL (fast shutdown: every connection dropped) and starts it again on its port and data. */
    void restartPostgres() throws IOException {
        postgres.close();
        startPostgres();
    }

    private void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setPort(postgresPort)
                .setDataDirectory(postgresData)
                .setCleanDataDirectory(false)
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("max_connections", "300")
                .start();
    }

    Connection connect(String database) throws SQLException {
        return java.sql.DriverManager.getConnection(jdbc(database), "postgres", "");
    }

    private String jdbc(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + database;
    }

    private static Map<String, Object> datasource(String url) {
        return Map.of(
                "spring.datasource.url",
                url,
                "spring.datasource.username",
                "postgres",
                "spring.datasource.password",
                "");
    }

    /** The ends of every service's log, for a failure message. */
    String logTails(int lines) {
        List<String> tails = new ArrayList<>();
        services.values()
                .forEach(s -> tails.add(
                        (s.process().isAlive() ? "" : "[exited] ") + s.process().logTail(lines)));
        return String.join("\n\n", tails);
    }

    @Override
    public void close() {
        if (partitioned) {
            try {
                healPartitions();
            } catch (IOException e) {
                System.err.println("Could not remove the partition's iptables rules: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Service service : new ArrayList<>(services.values()).reversed()) {
            try {
                service.process().close(Duration.ofSeconds(10));
            } catch (Exception e) {
                System.err.println("Could not stop " + service.module() + ": " + e);
            }
        }
        kafka.close();
        try {
            redis.stop();
        } catch (RuntimeException e) {
            System.err.println("Could not stop Redis: " + e);
        }
        mail.close();
        try {
            postgres.close();
        } catch (IOException e) {
            System.err.println("Could not stop PostgreSQL: " + e);
        }
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
