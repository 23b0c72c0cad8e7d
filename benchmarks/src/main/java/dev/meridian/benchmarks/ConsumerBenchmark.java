package dev.meridian.benchmarks;

import dev.meridian.events.UserCreated;
import dev.meridian.testkit.KafkaProcess;
import dev.meridian.testkit.PostgresServer;
import dev.meridian.testkit.RedisServer;
import dev.meridian.testkit.ServiceProcess;
import dev.meridian.testkit.SmtpServer;
import dev.meridian.testkit.UserEventPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * audit-service and notification-service under load. Throughput: a backlog of {@code UserCreated} events is
 * published first, then one consumer at a time starts from its jar and drains it; events/s = backlog / (last row −
 * first row), from the timestamps the services write. Lag: both consumers run while events are published at a fixed
 * rate; lag = the audit row's {@code recorded_at} (or the delivery's {@code sent_at}) − the publish instant. Real
 * PostgreSQL, Kafka as a local process, GreenMail SMTP in this JVM. Usage: see README.md.
 */
public final class ConsumerBenchmark {

    private static final Path ROOT = Path.of(System.getProperty("meridian.root", "."));
    private static final int BACKLOG = Integer.getInteger("bench.backlog", 10_000);
    private static final List<Integer> RATES = Arrays.stream(
                    System.getProperty("bench.rates", "100,200").split(","))
            .map(rate -> Integer.parseInt(rate.strip()))
            .toList();
    private static final String MASTER_KEY = masterKey();
    private static final Duration RATE_DURATION = Duration.ofSeconds(30);
    private static final Duration WARM_UP_DURATION = Duration.ofSeconds(15);

    private final PostgresServer postgres = PostgresServer.shared();
    private final RedisServer redis = RedisServer.shared();
    private final KafkaProcess kafka = KafkaProcess.startOnFreePort();
    private final SmtpServer smtp = SmtpServer.startEmbedded();
    private final Path work;
    private final String auditDatabase;
    private final String notificationDatabase;

    private ConsumerBenchmark(Path work) {
        this.work = work;
        this.auditDatabase = database(postgres.createIsolatedDatabase("audit-bench"));
        this.notificationDatabase = database(postgres.createIsolatedDatabase("notification-bench"));
    }

    public static void main(String[] args) {
        Path results = Path.of(args.length > 0 ? args[0] : "benchmarks/results");
        Benchmarks.runThenExit(() -> {
            Path work = Files.createTempDirectory("meridian-bench-");
            new ConsumerBenchmark(work).run(results);
        });
    }

    private void run(Path results) throws Exception {
        var report = new StringBuilder(header());
        try (var publisher = new UserEventPublisher(kafka.bootstrapServers())) {
            publisher.publishAll(events(1_000)); // warm-up share of the backlog, drained with it
            List<UserCreated> backlog = events(BACKLOG);
            publisher.publishAll(backlog);
            int total = BACKLOG + 1_000;
            System.out.printf("Published a backlog of %d events%n", total);

            try (ServiceProcess audit = start("audit-service", auditDatabase)) {
                awaitRows(auditDatabase, "select count(*) from audit_event", total);
                report.append(throughputRow("audit-service", drainRate(auditDatabase, """
                        select count(*), extract(epoch from max(recorded_at) - min(recorded_at))
                          from audit_event""")));
            }
            try (ServiceProcess notification = start("notification-service", notificationDatabase)) {
                awaitRows(
                        notificationDatabase,
                        "select count(*) from notification.delivery where status = 'SENT'",
                        total);
                report.append(throughputRow("notification-service", drainRate(notificationDatabase, """
                        select count(*), extract(epoch from max(sent_at) - min(sent_at))
                          from notification.delivery""")));
            }

            report.append("""

                    | at a fixed rate, both consumers running | events | p50 ms | p99 ms | max ms |
                    |---|---:|---:|---:|---:|
                    """);
            try (ServiceProcess audit = start("audit-service", auditDatabase);
                    ServiceProcess notification = start("notification-service", notificationDatabase)) {
                // Fresh JVMs spend their first seconds loading classes, compiling and opening pools and the SMTP
                // connection; measured first, that landed in the first rate's tail (a 5.8 s p99 at 100/s against
                // 0.96 s at 200/s). A warm-up at the highest rate, both consumers caught up after it, is shown apart.
                int expected = total;
                int warmUpRate = Collections.max(RATES);
                Map<UUID, Instant> warmUp = publishAtFixedRate(publisher, warmUpRate, WARM_UP_DURATION);
                expected += warmUp.size();
                awaitRows(auditDatabase, "select count(*) from audit_event", expected);
                awaitRows(
                        notificationDatabase,
                        "select count(*) from notification.delivery where status = 'SENT'",
                        expected);
                report.append(lagRow(
                        "warm-up, fresh JVMs: publish → audit row",
                        warmUpRate,
                        WARM_UP_DURATION,
                        lags(auditDatabase, "select event_id, recorded_at from audit_event", warmUp)));
                report.append(lagRow(
                        "warm-up, fresh JVMs: publish → welcome mail",
                        warmUpRate,
                        WARM_UP_DURATION,
                        lags(notificationDatabase, "select event_id, sent_at from notification.delivery", warmUp)));
                for (int rate : RATES) {
                    Map<UUID, Instant> published = publishAtFixedRate(publisher, rate, RATE_DURATION);
                    expected += published.size();
                    String delivered = "select count(*) from notification.delivery where status = 'SENT'";
                    awaitRows(auditDatabase, "select count(*) from audit_event", expected);
                    awaitRows(notificationDatabase, delivered, expected);
                    String audited = "select event_id, recorded_at from audit_event";
                    String mailed = "select event_id, sent_at from notification.delivery";
                    report.append(lagRow(
                            "publish → audit row", rate, RATE_DURATION, lags(auditDatabase, audited, published)));
                    report.append(lagRow(
                            "publish → welcome mail accepted by SMTP",
                            rate,
                            RATE_DURATION,
                            lags(notificationDatabase, mailed, published)));
                }
                report.append("\nResident memory after the run: audit-service %d MiB, notification-service %d MiB.\n"
                        .formatted(residentMiB(audit), residentMiB(notification)));
            }
        } finally {
            kafka.close();
        }
        Files.createDirectories(results);
        Path file = results.resolve("consumers.md");
        Files.writeString(file, report.toString());
        System.out.println(report);
        System.out.println("Recorded in " + file);
    }

    private ServiceProcess start(String module, String database) throws Exception {
        int port = ServiceProcess.freePort();
        Map<String, Object> properties = new HashMap<>(Map.of(
                "server.port", port,
                "spring.datasource.url", postgres.jdbcUrl(database),
                "spring.datasource.username", postgres.username(),
                "spring.datasource.password", postgres.password(),
                "spring.kafka.bootstrap-servers", kafka.bootstrapServers(),
                "spring.mail.host", smtp.host(),
                "spring.mail.port", smtp.port(),
                "eureka.client.enabled", false,
                "logging.level.root", "WARN"));
        // As deployed: the access-token starter keeps its copy of the revocation list subscribed to this Redis.
        properties.put("spring.data.redis.url", redis.url());
        // audit-service seals each user's entries under a data key kept under this master key; it refuses to start
        // without one (a secret in deployments, a random one here).
        properties.put("meridian.audit.data-keys.master-key", MASTER_KEY);
        ServiceProcess service =
                ServiceProcess.start(ROOT, module, Benchmarks.jvmOptions("-Xmx512m"), properties, work);
        service.awaitReady(port, Duration.ofMinutes(2));
        return service;
    }

    private static String masterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Publishes {@code rate}/s for {@code duration}, each event on its own time slot; answers when sent. */
    private static Map<UUID, Instant> publishAtFixedRate(UserEventPublisher publisher, int rate, Duration duration) {
        Map<UUID, Instant> sent = new HashMap<>();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        int count = (int) (rate * duration.toSeconds());
        for (int i = 0; i < count; i++) {
            long slot = start + i * interval;
            LockSupport.parkNanos(slot - System.nanoTime());
            UserCreated event = events(1).getFirst();
            sent.put(event.eventId(), Instant.now());
            publisher.publish(event);
        }
        return sent;
    }

    private static List<UserCreated> events(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> {
                    UUID user = UUID.randomUUID();
                    return new UserCreated(
                            UUID.randomUUID(),
                            user,
                            user,
                            Instant.now(),
                            "user-" + user + "@example.com",
                            "Bench User " + i,
                            Set.of("USER"));
                })
                .toList();
    }

    private void awaitRows(String database, String countQuery, int expected) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        long count = 0;
        while (Instant.now().isBefore(deadline)) {
            try (Connection connection = postgres.connect(database);
                    var result = connection.createStatement().executeQuery(countQuery)) {
                result.next();
                count = result.getLong(1);
            } catch (SQLException notYetMigrated) {
                count = 0;
            }
            if (count >= expected) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(countQuery + " reached " + count + " of " + expected + " in 10 minutes");
    }

    private double[] drainRate(String database, String query) throws SQLException {
        try (Connection connection = postgres.connect(database);
                var result = connection.createStatement().executeQuery(query)) {
            result.next();
            return new double[] {result.getLong(1), result.getDouble(2)};
        }
    }

    private List<Double> lags(String database, String query, Map<UUID, Instant> published) throws SQLException {
        List<Double> lags = new ArrayList<>();
        try (Connection connection = postgres.connect(database);
                var result = connection.createStatement().executeQuery(query)) {
            while (result.next()) {
                Instant sent = published.get(result.getObject(1, UUID.class));
                if (sent != null) {
                    Instant done = result.getTimestamp(2).toInstant();
                    lags.add(Duration.between(sent, done).toNanos() / 1e6);
                }
            }
        }
        return lags.stream().sorted().toList();
    }

    private static String throughputRow(String consumer, double[] countAndSeconds) {
        return "| %s | %.0f | %.1f | %.0f |%n"
                .formatted(consumer, countAndSeconds[0], countAndSeconds[1], countAndSeconds[0] / countAndSeconds[1]);
    }

    private static String lagRow(String what, int rate, Duration duration, List<Double> sorted) {
        return "| %s, %d/s for %d s | %d | %.1f | %.1f | %.1f |%n"
                .formatted(
                        what,
                        rate,
                        duration.toSeconds(),
                        sorted.size(),
                        percentile(sorted, 0.50),
                        percentile(sorted, 0.99),
                        sorted.getLast());
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }

    private static long residentMiB(ServiceProcess service) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(service.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private String header() {
        return """
                # Consumer benchmark (audit-service, notification-service)

                Recorded %s on %d cores, %s. PostgreSQL %s, Kafka as a local process, GreenMail SMTP in \
                the harness JVM; each service from its jar (`-Xmx512m %s`), \
                default settings (one listener thread, ack mode `batch`).

                | draining a backlog of UserCreated, one consumer at a time | events | seconds | events/s |
                |---|---:|---:|---:|
                """.formatted(
                        LocalDate.now(),
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                        postgres.origin().name().toLowerCase(),
                        System.getenv().getOrDefault("BENCH_JVM_ARGS", "").strip());
    }

    private static String database(String jdbcUrl) {
        return jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
    }
}
