package dev.meridian.system.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.system.faults.Request.Op;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The platform under steady load while its parts fail one after another (issue 19): two gateways, two user-services
 * on one database, one auth-, audit- and notification-service, real PostgreSQL, Redis, Kafka and SMTP, all of which
 * this test may kill. A second JVM ({@link LoadGenerator}) drives it only through the gateways at a fixed rate; each
 * fault of the operator's table is injected for a bounded time, printed when injected and healed, and the requests of
 * its phase must keep its promise. At the end every accepted request's effects are reconciled (events and mail exactly
 * once, streams in order), one line per phase is printed and any broken promise fails the build.
 *
 * <p>Settings (system properties): {@code faults.hold} (how long each fault lasts, default 12 s in CI),
 * {@code faults.settle} (steady time after each heal), {@code faults.rate} (requests per second), {@code faults.only}
 * (a comma-separated subset of fault names), {@code faults.report} (a file to write the table to), {@code faults.chart}
 * (a file to copy the run's chart to; it is always drawn to target/faults/faults.png), {@code faults.jvm} (the
 * services' JVM options, space-separated, instead of testkit's small JVMs).
 */
// Off in a plain `./mvnw verify` until it passes on the CI machine twice in a row; run it with -Dfaults=true
// (or benchmarks/run.sh faults). On two cores the platform at 16 requests/s uses about 1.7 of them (user-service
// 0.6-0.8, the gateways 0.3-0.5, auth-service 0.2: the run of 2026-12-04 17:39), so a JVM restarted by a fault
// starts in 85-140 s instead of 15, and auth-service's calls to user-service time out meanwhile. Its runs, red and
// green, and what each fix changed: benchmarks/results/faults.md.
@EnabledIfSystemProperty(named = "faults", matches = "true")
class FaultScenarioIT {

    private static final Path ROOT = Path.of(System.getProperty("meridian.root", ".."));
    private static final Path OUT = Path.of("target", "faults");
    private static final Duration HOLD =
            Duration.parse("PT" + System.getProperty("faults.hold", "12s").toUpperCase());
    private static final Duration SETTLE =
            Duration.parse("PT" + System.getProperty("faults.settle", "8s").toUpperCase());
    private static final int RATE = Integer.getInteger("faults.rate", 16);
    private static final Duration RESTART = Duration.ofMinutes(3);
    /** The user routes' response time-out (gateway-service application.yml), and a second for a loaded machine. */
    private static final Duration ROUTE_BOUND = Duration.ofSeconds(6);
    /** How soon both load balancers must have taken a partitioned instance out. */
    private static final Duration PARTITION_NOTICED = Duration.ofSeconds(10);

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    /**
     * The first seconds of the full mix on a platform just started: ten JVMs on two cores still compiling their code,
     * where a sign-in waits out auth-service's time-outs (the runs of 2026-12-04 06:08 and 17:10: 88 failures in the
     * first 20 s, 41 in the 15 s after). How fast a new instance becomes useful is issue 21's figure
     * (benchmarks/results/gateway-warm-up.md), not a fault's promise: this phase lasts until the load has run
     * {@link #WARM_QUIET} without a failure (at most {@link #WARM_UP_AT_MOST}), is printed and its effects reconciled,
     * but its failed requests do not break the build. A 500 still does, and so does a platform that never warms:
     * the steady phase after it is judged.
     */
    private static final String WARM_UP = "warm-up (not judged)";

    private static final Duration WARM_QUIET = Duration.ofSeconds(10);
    private static final Duration WARM_UP_AT_MOST = Duration.ofMinutes(2);

    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    private static Platform platform;

    @BeforeAll
    static void startThePlatform() throws Exception {
        platform = new Platform(ROOT, OUT.resolve("logs"));
        try {
            platform.startServices();
            awaitSignUpThroughEachGateway();
        } catch (Exception | AssertionError e) {
            throw new AssertionError("Platform did not come up: " + e.getMessage() + "\n" + platform.logTails(30), e);
        }
    }

    @AfterAll
    static void stopThePlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void underSteadyLoadEachFaultKeepsItsPromiseAndNothingIsLostOrDoubled() throws Exception {
        List<Fault> faults = faults();
        long loadStarted = System.currentTimeMillis();
        Process load = startLoad();
        List<Window> windows = new ArrayList<>();
        try {
            awaitSeeded(load);
            windows.add(new Window("seed", loadStarted, loadStarted, loadStarted, System.currentTimeMillis()));
            windows.add(warmUp(load));
            windows.add(steady("steady (before)", Duration.ofSeconds(15)));
            for (Fault fault : faults) {
                windows.add(run(fault));
            }
            windows.add(steady("steady (after)", Duration.ofSeconds(10)));
        } finally {
            stop(load);
        }
        List<Request> requests = Request.read(OUT.resolve("requests.csv"));
        // Close each window at the next one's start (the last at the end of the load).
        List<Window> phases = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            long end = i + 1 < windows.size() ? windows.get(i + 1).injected() : Long.MAX_VALUE;
            phases.add(new Window(w.name(), w.injected(), w.healed(), w.recovered(), end));
        }

        // Events and mail trail the requests (retries, back-off after an outage): wait for them, bounded.
        long drainUntil = System.currentTimeMillis() + 90_000;
        Reconciliation reconciliation =
                Reconciliation.of(RUN, requests, phases, platform.mail().mails(), platform);
        while (!reconciliation.complete() && System.currentTimeMillis() < drainUntil) {
            Thread.sleep(3_000);
            reconciliation =
                    Reconciliation.of(RUN, requests, phases, platform.mail().mails(), platform);
        }

        List<String> broken = new ArrayList<>();
        var table = new StringBuilder(String.format(
                "%-30s %-9s %6s %6s %8s %16s %16s  %s%n",
                "phase", "injected", "sent", "failed", "p99 ms", "events e/f/dup", "mails e/f/dup", "verdict"));
        for (Window phase : phases) {
            List<Request> of = phase.of(requests);
            Optional<String> violation = phase.name().equals(WARM_UP)
                    ? Optional.empty()
                    : faults.stream()
                            .filter(f -> f.name().equals(phase.name()))
                            .findFirst()
                            .map(f -> f.rule().check(phase, requests))
                            .orElseGet(() -> Fault.noneFail().check(phase, requests));
            var effects = reconciliation.of(phase);
            boolean kept = violation.isEmpty() && effects.complete();
            if (!kept) {
                broken.add(phase.name() + ": " + violation.orElse("effects incomplete: " + effects));
            }
            table.append(String.format(
                    "%-30s %-9s %6d %6d %8d %16s %16s  %s%n",
                    phase.name(),
                    CLOCK.format(Instant.ofEpochMilli(phase.injected())),
                    of.size(),
                    of.stream().filter(Request::failed).count(),
                    FaultChart.p99(
                            phase.during(requests).stream().map(Request::millis).toList()),
                    effects.eventsExpected() + "/" + effects.eventsFound() + "/" + effects.eventsDuplicated(),
                    effects.mailsExpected() + "/" + effects.mailsFound() + "/" + effects.mailsDuplicated(),
                    kept ? "kept" : "BROKEN: " + violation.orElse("effects")));
        }
        List<Request> serverErrors =
                requests.stream().filter(r -> r.status() == 500).toList();
        if (!serverErrors.isEmpty()) {
            broken.add(serverErrors.size() + " answers were 500, e.g. " + serverErrors.getFirst());
        }
        broken.addAll(reconciliation.problems().stream().limit(20).toList());
        table.append(String.format(
                "%d requests (%s), %s ticks skipped with %d in flight; run %s%n",
                requests.size(),
                Arrays.stream(Op.values())
                        .map(op -> op + " "
                                + requests.stream().filter(r -> r.op() == op).count())
                        .collect(Collectors.joining(", ")),
                Files.readString(OUT.resolve("skipped.txt")).strip(),
                LoadGenerator.MAX_IN_FLIGHT,
                RUN));
        System.out.println(table);
        Files.writeString(OUT.resolve("faults.txt"), table);
        String report = System.getProperty("faults.report");
        if (report != null) {
            Files.writeString(Path.of(report), table);
        }
        failuresFor(requests, phases).forEach(System.out::println);
        drawChart(requests, phases, loadStarted);

        assertThat(requests).as("the load ran").hasSizeGreaterThan(100);
        assertThat(broken).as("promises broken; the table:%n%s", table).isEmpty();
    }

    /** The operator's table, in the order the faults are injected. */
    private static List<Fault> faults() {
        List<Fault> all = List.of(
                new Fault(
                        "kafka kill -9",
                        "no sign-up or update fails; every event reaches audit and notification after recovery, in per-user order",
                        () -> platform.kafka().kill(),
                        () -> platform.kafka().start(),
                        HOLD,
                        Fault.noneFail()),
                new Fault(
                        "user-service kill -9",
                        "<= 1 % of requests fail, only in the first seconds; none after 15 s",
                        () -> platform.kill("user-service-a"),
                        () -> {
                            platform.restart("user-service-a");
                            platform.awaitReady("user-service-a", RESTART);
                        },
                        HOLD.plusSeconds(3),
                        (window, requests) -> {
                            List<Request> of = window.of(requests);
                            long failed = of.stream().filter(Request::failed).count();
                            long late = of.stream()
                                    .filter(r -> r.failed() && r.at() > window.injected() + 15_000)
                                    .count();
                            if (failed * 100 > of.size()) {
                                return Optional.of(failed + " of " + of.size() + " failed (> 1 %)");
                            }
                            return late == 0 ? Optional.empty() : Optional.of(late + " failed more than 15 s in");
                        }),
                new Fault(
                        "gateway kill -9",
                        "the survivor keeps answering; only the dead one's in-flight requests fail",
                        () -> platform.kill("gateway-b"),
                        () -> {
                            platform.restart("gateway-b");
                            platform.awaitReady("gateway-b", RESTART);
                        },
                        HOLD,
                        (window, requests) -> {
                            List<Request> failed = window.failed(requests);
                            long survivor = failed.stream()
                                    .filter(r -> r.gateway() == 0)
                                    .count();
                            long late = failed.stream()
                                    .filter(r -> r.at() > window.injected() + 1_000)
                                    .count();
                            if (survivor > 0) {
                                return Optional.of(survivor + " failed on the surviving gateway");
                            }
                            if (late > 0) {
                                return Optional.of(late + " failed that were sent more than 1 s after the kill");
                            }
                            return failed.size() <= LoadGenerator.MAX_IN_FLIGHT
                                    ? Optional.empty()
                                    : Optional.of(failed.size() + " failed, more than could be in flight");
                        }),
                new Fault(
                        "audit-service kill -9",
                        "every event is in the audit log exactly once, versions gap-free",
                        () -> platform.kill("audit-service"),
                        () -> {
                            platform.restart("audit-service");
                            platform.awaitReady("audit-service", RESTART);
                        },
                        HOLD,
                        Fault.noneFail()),
                new Fault(
                        "smtp down",
                        "every welcome mail arrives after it returns, each exactly once",
                        () -> platform.mail().stop(),
                        () -> platform.mail().start(),
                        HOLD,
                        Fault.noneFail()),
                new Fault(
                        "user-service partition",
                        "the requests already on it fail with a 504 within the route's bound (5 s); none fail after 10 s",
                        () -> platform.partition("user-service-b"),
                        () -> platform.healPartitions(),
                        HOLD,
                        (window, requests) -> {
                            List<Request> failed = window.failed(requests);
                            // Both balancers probe /readyz every 2 s: the instance is out of their lists within
                            // about 4 s; a request already on it waits out the route's 5 s response time-out.
                            long late = failed.stream()
                                    .filter(r -> r.at() > window.injected() + PARTITION_NOTICED.toMillis())
                                    .count();
                            long unbounded = failed.stream()
                                    .filter(r -> r.millis() > ROUTE_BOUND.toMillis())
                                    .count();
                            if (unbounded > 0) {
                                return Optional.of(unbounded + " failed after more than the route's "
                                        + ROUTE_BOUND.toSeconds() + " s");
                            }
                            return late == 0
                                    ? Optional.empty()
                                    : Optional.of(late + " failed that were sent more than "
                                            + PARTITION_NOTICED.toSeconds() + " s into the partition");
                        }),
                new Fault(
                        "redis down",
                        "the gateway limits locally; reads fall back to the local cache and PostgreSQL; no request fails",
                        () -> platform.redis().stop(),
                        () -> platform.redis().start(),
                        HOLD,
                        Fault.noneFail()),
                new Fault(
                        "auth-service kill -9",
                        "sign-in fails fast (< 1 s) while it is down; existing tokens keep working; refresh resumes",
                        () -> platform.kill("auth-service"),
                        () -> {
                            platform.restart("auth-service");
                            platform.awaitReady("auth-service", RESTART);
                        },
                        HOLD,
                        (window, requests) -> {
                            Set<Op> mayFail = Set.of(Op.SIGN_IN, Op.REFRESH);
                            List<Request> failed = window.failed(requests);
                            long others = failed.stream()
                                    .filter(r -> !mayFail.contains(r.op()))
                                    .count();
                            long slow = failed.stream()
                                    .filter(r -> r.millis() >= 1_000)
                                    .count();
                            long afterwards = failed.stream()
                                    .filter(r -> r.at() > window.recovered() + 10_000)
                                    .count();
                            if (others > 0) {
                                return Optional.of(others + " requests other than sign-in and refresh failed");
                            }
                            if (slow > 0) {
                                return Optional.of(slow + " sign-ins or refreshes took >= 1 s to fail");
                            }
                            return afterwards == 0
                                    ? Optional.empty()
                                    : Optional.of(afterwards + " failed more than 10 s after it was back");
                        }),
                new Fault(
                        "postgresql restart",
                        "requests in that moment may fail fast with a problem 503; the pools recover within 10 s",
                        () -> platform.restartPostgres(),
                        () -> {},
                        Duration.ZERO,
                        (window, requests) -> {
                            List<Request> failed = window.failed(requests);
                            long not503 = failed.stream()
                                    .filter(r -> !r.toldToRetry())
                                    .count();
                            long late = failed.stream()
                                    .filter(r -> r.at() > window.recovered() + 10_000)
                                    .count();
                            if (not503 > 0) {
                                return Optional.of(not503 + " failed otherwise than with 503");
                            }
                            return late == 0
                                    ? Optional.empty()
                                    : Optional.of(late + " failed more than 10 s after the restart");
                        }));
        String only = System.getProperty("faults.only", "");
        if (only.isBlank()) {
            return all;
        }
        Set<String> chosen = Set.of(only.split(","));
        return all.stream().filter(f -> chosen.contains(f.name())).toList();
    }

    private static Window run(Fault fault) throws Exception {
        long injected = System.currentTimeMillis();
        fault.inject().run();
        System.out.printf(
                "faults: %s INJECTED at %s — promise: %s%n",
                fault.name(), CLOCK.format(Instant.ofEpochMilli(injected)), fault.promise());
        Thread.sleep(fault.hold().toMillis());
        long healed = System.currentTimeMillis();
        fault.heal().run();
        long recovered = System.currentTimeMillis();
        System.out.printf(
                "faults: %s HEALED at %s (back after %d ms)%n",
                fault.name(), CLOCK.format(Instant.ofEpochMilli(healed)), recovered - healed);
        Thread.sleep(SETTLE.toMillis());
        return new Window(fault.name(), injected, healed, recovered, System.currentTimeMillis());
    }

    /** Until no request has failed for {@link #WARM_QUIET}, at most {@link #WARM_UP_AT_MOST}. */
    private static Window warmUp(Process load) throws IOException, InterruptedException {
        long start = System.currentTimeMillis();
        long quietSince = start;
        while (System.currentTimeMillis() - quietSince < WARM_QUIET.toMillis()
                && System.currentTimeMillis() - start < WARM_UP_AT_MOST.toMillis()) {
            Thread.sleep(1_000);
            if (!load.isAlive()) { // a dead load generator writes nothing, which would look quiet
                throw new AssertionError("The load generator exited while warming up: "
                        + Files.readString(OUT.resolve("logs").resolve("load-generator.log")));
            }
            Path told = OUT.resolve("last-failure.txt");
            String lastFailure = Files.exists(told) ? Files.readString(told).strip() : "";
            if (!lastFailure.isEmpty()) { // empty while the load generator rewrites it
                quietSince = Math.max(quietSince, Long.parseLong(lastFailure));
            }
        }
        System.out.printf("faults: warmed up in %d s%n", (System.currentTimeMillis() - start) / 1000);
        return new Window(WARM_UP, start, start, start, System.currentTimeMillis());
    }

    private static Window steady(String name, Duration length) throws InterruptedException {
        long start = System.currentTimeMillis();
        Thread.sleep(length.toMillis());
        return new Window(name, start, start, start, System.currentTimeMillis());
    }

    private static Process startLoad() throws IOException {
        Files.createDirectories(OUT);
        Files.deleteIfExists(OUT.resolve("seeded.txt"));
        Files.deleteIfExists(OUT.resolve("last-failure.txt"));
        var command = List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                LoadGenerator.class.getName(),
                String.join(",", platform.gatewayUrls()),
                platform.mail().inboxUrl(),
                String.valueOf(RATE),
                OUT.toString(),
                RUN);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        OUT.resolve("logs").resolve("load-generator.log").toFile())
                .start();
    }

    /** The load generator signs up, verifies and signs in its first people before its clock starts. */
    private static void awaitSeeded(Process load) throws IOException {
        Awaitility.await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> !load.isAlive() || Files.exists(OUT.resolve("seeded.txt")));
        if (!load.isAlive()) {
            throw new AssertionError("The load generator exited while seeding: "
                    + Files.readString(OUT.resolve("logs").resolve("load-generator.log")));
        }
    }

    private static void stop(Process load) throws Exception {
        try (OutputStream stdin = load.getOutputStream()) {
            stdin.write("stop\n".getBytes(StandardCharsets.UTF_8));
        }
        if (!load.waitFor(60, TimeUnit.SECONDS)) {
            load.destroyForcibly();
            throw new AssertionError("The load generator did not stop");
        }
    }

    /** Until the gateways find user-service and auth-service through Eureka, a sign-up cannot be accepted. */
    private static void awaitSignUpThroughEachGateway() {
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (String gateway : platform.gatewayUrls()) {
            String email = "warm-up-" + System.nanoTime() + "@example.com";
            Awaitility.await()
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(() -> http.send(
                                            HttpRequest.newBuilder(URI.create(gateway + "/api/users"))
                                                    .timeout(Duration.ofSeconds(10))
                                                    .header("Content-Type", "application/json")
                                                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\""
                                                            + email + "\",\"name\":\"Warm\",\"password\":\""
                                                            + LoadGenerator.PASSWORD + "\"}"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 202);
        }
    }

    /** The chart is for reading the run, not its verdict: a chart that cannot be drawn is logged, not a failure. */
    private static void drawChart(List<Request> requests, List<Window> phases, long loadStarted) {
        try {
            Path chart = OUT.resolve("faults.png");
            FaultChart.draw(requests, phases, eventLags(), loadStarted, chart);
            String copy = System.getProperty("faults.chart");
            if (copy != null) {
                Files.copy(chart, Path.of(copy), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | SQLException | RuntimeException e) {
            System.err.println("faults: the chart could not be drawn: " + e);
        }
    }

    /** Every event of the run as audit-service recorded it (the platform's database is this run's alone). */
    private static List<FaultChart.Lag> eventLags() throws SQLException {
        List<FaultChart.Lag> lags = new ArrayList<>();
        try (Connection audit = platform.connect("audit_service");
                var rows = audit.createStatement().executeQuery("select occurred_at, recorded_at from audit_event")) {
            while (rows.next()) {
                long occurred = rows.getTimestamp("occurred_at").getTime();
                lags.add(new FaultChart.Lag(
                        occurred, rows.getTimestamp("recorded_at").getTime() - occurred));
            }
        }
        return lags;
    }

    /** The failed requests of each phase, for the log: what broke, not only how many. */
    private static List<String> failuresFor(List<Request> requests, List<Window> phases) {
        List<String> lines = new ArrayList<>();
        for (Window phase : phases) {
            phase.of(requests).stream()
                    .filter(Request::failed)
                    .limit(8)
                    .forEach(r -> lines.add(
                            "  " + phase.name() + ": " + CLOCK.format(Instant.ofEpochMilli(r.at())) + " " + r.op()
                                    + " gw" + r.gateway() + " " + r.status() + " " + r.millis() + " ms " + r.detail()));
        }
        return lines;
    }
}
