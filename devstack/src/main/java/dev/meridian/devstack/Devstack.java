package dev.meridian.devstack;

import com.sun.net.httpserver.HttpServer;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.PostgresServer;
import dev.meridian.testkit.RedisServer;
import dev.meridian.testkit.Server;
import dev.meridian.testkit.ServiceProcess;
import dev.meridian.testkit.SmtpServer;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * The whole platform on this machine, one command: real PostgreSQL, Redis, Kafka (KRaft) and SMTP from the testkit
 * (the {@code MERIDIAN_*} variables point it at servers of your own instead), a mailbox page for the mail it
 * catches, a Zipkin server for the traces (fed over OTLP through {@link TraceRelay}), then Eureka and the five
 * services as separate JVMs from their packaged jars, each on its usual port with the {@code dev} profile. Prints a
 * line per component, then the URLs and a walkthrough ({@code walkthrough.sh}); Ctrl-C stops everything.
 *
 * <p>{@code java -jar devstack/target/devstack.jar [--scale user-service=2 ...] [--restart]}: {@code --restart} starts a
 * service that died again, on its port with its settings (what a fault drill and a developer killing one both want).
 */
public final class Devstack {

    static final String ISSUER = "http://localhost:8080";
    /** Standard output as the JVM started: devstack's own lines (main hands {@code System.out} to the log). */
    private static final PrintStream CONSOLE = System.out;

    private static final int MAILBOX_PORT = 8025;
    private static final int ZIPKIN_PORT = 9411;
    private static final int OTLP_PORT = 4318;
    private static final Map<String, Integer> PORTS = new LinkedHashMap<>();

    static {
        PORTS.put("discovery-service", 8761);
        PORTS.put("auth-service", 8082);
        PORTS.put("user-service", 8081);
        PORTS.put("audit-service", 8083);
        PORTS.put("notification-service", 8084);
        PORTS.put("gateway-service", 8080);
    }

    private static final Map<String, List<Server>> INFRASTRUCTURE = Map.of(
            "discovery-service", List.of(),
            "gateway-service", List.of(Server.REDIS),
            "user-service", List.of(Server.POSTGRES, Server.REDIS, Server.KAFKA),
            "auth-service", List.of(Server.POSTGRES, Server.REDIS, Server.KAFKA),
            "audit-service", List.of(Server.POSTGRES, Server.REDIS, Server.KAFKA),
            "notification-service", List.of(Server.POSTGRES, Server.REDIS, Server.KAFKA, Server.SMTP));

    /** discovery-service's metrics (its management port; the registry's own port serves only the registry). */
    private static final int DISCOVERY_MANAGEMENT_PORT = 8762;
    /** The services built on the resource-server starter, which read Boot's resource-server properties. */
    private static final List<String> RESOURCE_SERVERS =
            List.of("user-service", "audit-service", "notification-service");
    /** The registry's account: the dev profile's user name, a fresh password each run (it guards who registers). */
    static final String REGISTRY_USER = "meridian";

    private final String registryPassword = randomHex(24);
    /** Client notification-service's secret at auth-service (its mail-links token), fresh each run like the above. */
    private final String notificationClientSecret = randomHex(24);

    private final Path root;
    private final Path runFolder;
    private final Map<String, Integer> scale;
    /** The processes devstack started, and what else it must close (the mailbox, the trace relay). */
    private final List<Running> running = new CopyOnWriteArrayList<>();

    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private final ExitReporter exits = new ExitReporter(System.err, Duration.ofSeconds(1));
    private final boolean restart;

    /** A process devstack started; {@code training} is the start-up cache it writes as it exits, if any. */
    private record Running(String name, ServiceProcess process, StartupCache training) {}

    Devstack(Path root, Path runFolder, Map<String, Integer> scale, boolean restart) {
        this.root = root;
        this.runFolder = runFolder;
        this.scale = scale;
        this.restart = restart;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> scale = new HashMap<>();
        boolean restart = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--scale") && i + 1 < args.length) {
                String[] service = args[++i].split("=", 2);
                if (!PORTS.containsKey(service[0]) || service.length != 2) {
                    fail("--scale takes <service>=<instances>, a service among " + PORTS.keySet());
                }
                scale.put(service[0], Integer.parseInt(service[1]));
            } else if (args[i].equals("--restart")) {
                restart = true;
            } else {
                fail("Usage: java -jar devstack/target/devstack.jar [--scale <service>=<instances>]... [--restart]");
            }
        }
        Path root = Path.of(System.getProperty("meridian.root", "."))
                .toAbsolutePath()
                .normalize();
        Path runs = root.resolve("devstack/runs")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        // Before the first logger exists: logback.xml sends every library's log there, not to the console.
        Files.createDirectories(runs);
        System.setProperty("meridian.devstack.log", runs.resolve("devstack.log").toString());
        // Logging set up here, once: servers starting side by side would each find it half-initialised (SLF4J then
        // replays their calls and says so on the console).
        LoggerFactory.getILoggerFactory();
        // What libraries print straight to standard output (Kafka's storage formatter does) joins their log;
        // devstack's own lines keep the console.
        System.setOut(new PrintStream(
                new FileOutputStream(runs.resolve("devstack.log").toFile(), true), true, StandardCharsets.UTF_8));
        var devstack = new Devstack(root, runs, scale, restart);
        Runtime.getRuntime().addShutdownHook(new Thread(devstack::stop, "devstack-stop"));
        try {
            devstack.start();
        } catch (Exception failed) {
            LoggerFactory.getLogger(Devstack.class).error("devstack could not start", failed);
            System.err.println(
                    "devstack: could not start: " + failed + " (the trace is in " + runs.resolve("devstack.log") + ")");
            System.exit(1); // the shutdown hook stops what did start
        }
        devstack.printWelcome();
        new CountDownLatch(1).await(); // until Ctrl-C
    }

    void start() throws Exception {
        long started = System.nanoTime();
        refuseIfPortsAreTaken();
        say("logs in " + runFolder + ": <service>/<service>.log for each service, devstack.log for the embedded"
                + " servers'");
        // Two tiers: the infrastructure, the registry and the trace UI side by side; then the five services side by
        // side, once what they connect to at start-up answers. Nothing waits for Zipkin but the welcome page.
        try (var parallel = platformThreads("devstack-start-")) {
            List<Future<?>> firstTier = List.of(
                    parallel.submit(() -> timed(
                            "PostgreSQL",
                            () -> PostgresServer.shared().origin() + " at "
                                    + PostgresServer.shared().jdbcUrl())),
                    parallel.submit(() -> timed(
                            "Redis",
                            () -> RedisServer.shared().origin() + " at "
                                    + RedisServer.shared().url())),
                    parallel.submit(() -> timed(
                            "Kafka (KRaft)", () -> "at " + KafkaBroker.shared().bootstrapServers())),
                    parallel.submit(this::startMail),
                    parallel.submit(() -> startService("discovery-service")));
            Future<?> zipkin = parallel.submit(() -> timed("trace UI (Zipkin)", this::startZipkin));
            try {
                awaitAll(firstTier);
                List<Future<?>> services = new ArrayList<>();
                for (String service : PORTS.keySet()) {
                    if (!service.equals("discovery-service")) {
                        services.add(parallel.submit(() -> startService(service)));
                    }
                }
                awaitAll(services);
                awaitAll(List.of(zipkin));
            } catch (Exception failed) {
                parallel.shutdownNow(); // the others' waits end with it
                throw failed;
            }
        }
        say("platform up in %.0f s".formatted((System.nanoTime() - started) / 1e9));
    }

    private Void startMail() throws Exception {
        timed(
                "SMTP",
                () -> SmtpServer.shared().origin() + " at "
                        + SmtpServer.shared().host() + ":" + SmtpServer.shared().port());
        if (SmtpServer.shared().origin() == dev.meridian.testkit.Origin.EMBEDDED) {
            timed("mailbox", () -> startMailbox().toString());
        }
        return null;
    }

    /**
     * Platform threads, not virtual ones: the embedded servers load classes and run static initialisers from inside
     * Spring Boot's nested jar, which pins a virtual thread to its carrier; with two cores, two pinned carriers
     * waiting on a third starting server stalled start-up for good.
     */
    private static ExecutorService platformThreads(String prefix) {
        return Executors.newThreadPerTaskExecutor(
                Thread.ofPlatform().name(prefix, 1).factory());
    }

    /** Waits for every step; the first failure, unwrapped, is devstack's failure. */
    private static void awaitAll(List<Future<?>> steps) throws Exception {
        for (Future<?> step : steps) {
            try {
                step.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }

    private Void startService(String service) throws Exception {
        int port = PORTS.get(service);
        int instances = scale.getOrDefault(service, 1);
        StartupCache cache = StartupCache.of(ServiceProcess.jar(root, service), service);
        boolean training = !cache.trained();
        // Asked once per service, not per instance: the PostgreSQL server hands out a new database at each ask, and
        // instances of one service share one (the same users, the same outbox).
        Map<String, Object> servers = new HashMap<>();
        INFRASTRUCTURE.get(service).forEach(server -> servers.putAll(server.springProperties(service)));
        for (int instance = 1; instance <= instances; instance++) {
            int instancePort = instance == 1 ? port : ServiceProcess.freePort();
            String name = instances == 1 ? service : service + "-" + instance;
            long started = System.nanoTime();
            Map<String, Object> properties = properties(service, instancePort, servers);
            ServiceProcess process = ServiceProcess.startJar(
                    service,
                    cache.runnableJar(),
                    jvmOptions(cache, instance == 1),
                    properties,
                    runFolder.resolve(name));
            running.add(new Running(name, process, instance == 1 && training ? cache : null));
            exits.watch(name, process, restart ? again(service, name, instancePort, properties, cache) : null);
            process.awaitReady(instancePort, Duration.ofMinutes(3));
            if (instance == 1 && training) {
                cache.trainingReady();
            }
            say("%-24s ready on :%d in %.1f s%s"
                    .formatted(
                            name,
                            instancePort,
                            (System.nanoTime() - started) / 1e9,
                            instance == 1 && training ? " (training its start-up cache)" : ""));
        }
        return null;
    }

    private static List<String> jvmOptions(StartupCache cache, boolean mayTrain) {
        List<String> jvm = new ArrayList<>(ServiceProcess.SMALL_JVM);
        // Without it the JVM starts with 1/64 of the machine's memory as heap (377 MiB on 24 GiB), and Serial GC
        // touches a young generation of a third of that and keeps it, against live sets of 33-64 MiB: 64-79 MiB
        // less resident per service, start-up unchanged (benchmarks/results/devstack.md, 2026-12-03).
        jvm.add("-Xms32m");
        List<String> aot = cache.jvmOptions(mayTrain);
        if (!aot.isEmpty()) {
            // The AOT cache replaces the JDK's default CDS archive, and may not be named with it.
            jvm.remove("-Xshare:auto");
        }
        jvm.addAll(aot);
        return jvm;
    }

    /**
     * {@code --restart}: the instance {@code name} started again on its port with its settings (the same database,
     * registry password and client secrets), from its start-up cache if one is trained — never training one — and
     * ready when this returns. Each start logs to a folder of its own, {@code <name>-restart-<n>}.
     */
    private Callable<ServiceProcess> again(
            String service, String name, int port, Map<String, Object> properties, StartupCache cache) {
        AtomicInteger restarts = new AtomicInteger();
        return () -> {
            long started = System.nanoTime();
            ServiceProcess process = ServiceProcess.startJar(
                    service,
                    cache.runnableJar(),
                    jvmOptions(cache, false),
                    properties,
                    runFolder.resolve(name + "-restart-" + restarts.incrementAndGet()));
            running.add(new Running(name, process, null));
            process.awaitReady(port, Duration.ofMinutes(3));
            say("%-24s ready again on :%d in %.1f s".formatted(name, port, (System.nanoTime() - started) / 1e9));
            return process;
        };
    }

    private String startZipkin() throws Exception {
        Path jar = root.resolve("devstack/target/zipkin-server.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build devstack with its package phase first");
        }
        ServiceProcess zipkin = ServiceProcess.startJar(
                "zipkin",
                jar,
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                Map.of("QUERY_PORT", ZIPKIN_PORT, "STORAGE_TYPE", "mem", "MEM_MAX_SPANS", 200_000),
                runFolder.resolve("zipkin"));
        running.add(new Running("zipkin", zipkin, null));
        exits.watch("zipkin", zipkin, null);
        zipkin.awaitOk(URI.create("http://127.0.0.1:" + ZIPKIN_PORT + "/health"), Duration.ofMinutes(2));
        TraceRelay relay = TraceRelay.start(OTLP_PORT, URI.create("http://127.0.0.1:" + ZIPKIN_PORT));
        closeables.add(relay);
        return "http://localhost:" + ZIPKIN_PORT + ", OTLP/HTTP in at " + relay.endpoint();
    }

    private Map<String, Object> properties(String service, int port, Map<String, Object> servers) {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "server.port",
                port,
                "spring.profiles.active",
                "dev",
                "eureka.client.service-url.defaultZone",
                "http://" + REGISTRY_USER + ":" + registryPassword + "@127.0.0.1:" + PORTS.get("discovery-service")
                        + "/eureka/",
                "eureka.instance.hostname",
                "127.0.0.1",
                "meridian.auth.issuer",
                ISSUER,
                "meridian.gateway.jwt.issuer",
                ISSUER,
                "logging.structured.format.console",
                "ecs",
                "management.opentelemetry.tracing.export.otlp.endpoint",
                "http://127.0.0.1:" + OTLP_PORT + "/v1/traces",
                // Spans reach the trace UI a second after the request, not five.
                "management.opentelemetry.tracing.export.schedule-delay",
                "1s"));
        if (service.equals("gateway-service")) {
            properties.put("management.server.port", 8090);
        }
        if (service.equals("discovery-service")) {
            properties.put("meridian.registry.username", REGISTRY_USER);
            properties.put("meridian.registry.password", registryPassword);
            properties.put("management.server.port", DISCOVERY_MANAGEMENT_PORT);
            // Only this machine reaches the registry, as in compose.
            properties.put("server.address", "127.0.0.1");
            properties.put("management.server.address", "127.0.0.1");
        }
        // Signing keys from auth-service's own address (its first instance), never from whatever Eureka lists (C7).
        String jwks = "http://127.0.0.1:" + PORTS.get("auth-service") + "/oauth2/jwks";
        if (RESOURCE_SERVERS.contains(service)) {
            // Only to the starter's resource servers: Boot would build a decoder from them in any service that has
            // its resource-server auto-configuration (the gateway has, and checks tokens with its own settings).
            properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER);
            properties.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", jwks);
        }
        properties.put("meridian.gateway.jwt.jwk-set-uri", jwks);
        if (service.equals("auth-service") || service.equals("notification-service")) {
            // Both dev profiles read it: auth-service registers client notification-service with it (client
            // credentials, scope users.mail-links), notification-service fetches mail links from user-service with it.
            properties.put("NOTIFICATION_SERVICE_CLIENT_SECRET", notificationClientSecret);
            properties.put(
                    "spring.security.oauth2.client.provider.meridian.token-uri",
                    "http://127.0.0.1:" + PORTS.get("auth-service") + "/oauth2/token");
        }
        properties.putAll(servers);
        return properties;
    }

    /**
     * A page listing the mail the embedded SMTP server caught (recipient, subject, date, and the text a user would
     * read, links and codes included); {@code ?to=} one address, {@code &subject=} those whose subject contains it.
     */
    private InetSocketAddress startMailbox() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", MAILBOX_PORT), 0);
            server.createContext("/", exchange -> {
                Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
                byte[] body = mailbox(query.get("to"), query.getOrDefault("subject", ""))
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            // A thread per request: a page waiting for someone's mail must not hold up the others.
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            closeables.add(() -> server.stop(0));
            return server.getAddress();
        } catch (IOException e) {
            throw new IllegalStateException("The mailbox could not start on port " + MAILBOX_PORT, e);
        }
    }

    private static Map<String, String> query(String raw) {
        var parameters = new HashMap<String, String>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    parameters.put(
                            pair.substring(0, equals),
                            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return parameters;
    }

    private static String mailbox(String to, String subject) {
        var page = new StringBuilder();
        List<MimeMessage> messages = caught(to, subject);
        page.append(messages.size()).append(" message(s)\n");
        for (MimeMessage message : messages) {
            try {
                page.append("\n---\nTo: ")
                        .append(message.getHeader("To", ", "))
                        .append("\nSubject: ")
                        .append(message.getSubject())
                        .append("\nDate: ")
                        .append(message.getSentDate())
                        .append("\n\n")
                        .append(text(message).strip())
                        .append('\n');
            } catch (MessagingException | IOException e) {
                page.append("\n--- (unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return page.toString();
    }

    /** The plain-text part of a mail (every Meridian mail has one beside its HTML). */
    private static String text(Part part) throws MessagingException, IOException {
        if (part.isMimeType("text/plain")) {
            return part.getContent().toString();
        }
        if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                String text = text(multipart.getBodyPart(i));
                if (!text.isEmpty()) {
                    return text;
                }
            }
        }
        return "";
    }

    /**
     * Every message caught, or those to {@code to} with {@code subject} in their subject, waiting up to 30 s for the
     * first (mail is sent after commit, through the outbox, Kafka and notification-service: seconds on a busy machine).
     */
    private static List<MimeMessage> caught(String to, String subject) {
        if (to == null) {
            return SmtpServer.shared().awaitMessages(0, Duration.ZERO);
        }
        Instant deadline = Instant.now().plusSeconds(30);
        List<MimeMessage> messages = matching(to, subject);
        while (messages.isEmpty() && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            messages = matching(to, subject);
        }
        return messages;
    }

    private static List<MimeMessage> matching(String to, String subject) {
        return SmtpServer.shared().messagesTo(to).stream()
                .filter(message -> {
                    try {
                        return message.getSubject() != null
                                && message.getSubject().toLowerCase().contains(subject.toLowerCase());
                    } catch (MessagingException unreadable) {
                        return false;
                    }
                })
                .toList();
    }

    private void refuseIfPortsAreTaken() {
        List<Integer> needed = new ArrayList<>(PORTS.values());
        needed.addAll(List.of(8090, DISCOVERY_MANAGEMENT_PORT, MAILBOX_PORT, ZIPKIN_PORT, OTLP_PORT));
        for (int port : needed) {
            try (var socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException taken) {
                fail("Port " + port + " is already in use (another devstack, or a service started by hand?)."
                        + " Stop what uses it and start again: devstack needs " + needed + ".");
            }
        }
    }

    void printWelcome() {
        CONSOLE.printf("""

                Meridian is up.
                  gateway (the platform)   http://localhost:8080
                  Swagger UI               http://localhost:8080/swagger-ui.html
                  Eureka dashboard         http://localhost:8761 (user %s, password %s: this run's)
                  traces (Zipkin)          http://localhost:%d
                  mailbox (caught mail)    http://localhost:%d
                  gateway metrics          http://localhost:8090/actuator/prometheus
                  logs                     %s

                Try it: copy and paste, from the repository's root (or run devstack/walkthrough.sh).
                %s
                Ctrl-C stops everything.
                """, REGISTRY_USER, registryPassword, ZIPKIN_PORT, MAILBOX_PORT, runFolder, walkthrough());
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.HexFormat.of().formatHex(random);
    }

    /** The walkthrough printed at start-up; the system tests run the same file. */
    static String walkthrough() {
        try (var in = Devstack.class.getResourceAsStream("/walkthrough.sh")) {
            String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return script.substring(script.indexOf("\n# 1.")).indent(2);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("walkthrough.sh is missing from devstack's jar", e);
        }
    }

    void stop() {
        exits.stopping();
        boolean training = running.stream().anyMatch(process -> process.training() != null);
        if (training) {
            say("stopping; the services write their start-up caches as they exit (once after a build, about a minute)");
        }
        // All at once: a training JVM spends its exit writing its cache, and they need not queue for each other.
        try (var parallel = platformThreads("devstack-stop-")) {
            for (Running process : running) {
                parallel.submit(() -> {
                    try {
                        process.process()
                                .close(process.training() != null ? Duration.ofMinutes(3) : Duration.ofSeconds(30));
                        if (process.training() != null) {
                            process.training().keepTraining();
                        }
                    } catch (Exception e) {
                        System.err.println("devstack: could not stop " + process.name() + ": " + e);
                    }
                    return null;
                });
            }
        }
        for (AutoCloseable closeable : closeables.reversed()) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("devstack: could not stop " + closeable + ": " + e);
            }
        }
        running.clear();
        closeables.clear();
    }

    private interface Step {
        String run() throws Exception;
    }

    private static Void timed(String component, Step step) throws Exception {
        long started = System.nanoTime();
        String detail = step.run();
        say("%-24s %s (%.1f s)".formatted(component, detail, (System.nanoTime() - started) / 1e9));
        return null;
    }

    private static void say(String line) {
        CONSOLE.println("devstack: " + line);
    }

    private static void fail(String message) {
        System.err.println("devstack: " + message);
        System.exit(2);
    }
}
