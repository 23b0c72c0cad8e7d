package dev.meridian.benchmarks;

import dev.meridian.benchmarks.Wrk.Result;
import dev.meridian.testkit.KafkaProcess;
import dev.meridian.testkit.PostgresServer;
import dev.meridian.testkit.RedisServer;
import dev.meridian.testkit.ServiceProcess;
import dev.meridian.testkit.TokenIssuer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The same request — {@code GET /api/users/{id}} with the user's token, served from user-service's cache — sent
 * directly to user-service, through nginx, and through the gateway (JWT check, revocation list and rate limiter in
 * Redis, routing, route guard), the gateway also with its limiter off and with an unresponsive Redis. At saturation
 * with wrk, and at fixed rates (wrk2's method: `FixedRate`). Every process runs on this one machine.
 */
public final class GatewayBenchmark {

    private static final Path ROOT = Path.of(System.getProperty("meridian.root", "."));
    private static final int CONNECTIONS = 32;
    private static final Duration WARM_UP = Duration.ofSeconds(8);
    /**
     * A gateway reaches its steady state only after minutes of load here: C2 has a deep reactive stack to compile, on
     * two cores shared with everything else (measured 2026-11-27: 650 requests/s after 45 s, 1,600 after 75 s, 1,900
     * from 100 s on). Each is loaded in rounds until a round is within 5 % of the one before.
     */
    private static final Duration WARM_UP_ROUND = Duration.ofSeconds(20);

    private static final int MAX_WARM_UP_ROUNDS = 12;

    private static final Duration MEASURED = Duration.ofSeconds(20);

    /** Longer than a whole run, or a held stack's hour: an expired token would measure 401s. */
    private static final Duration READER_TOKEN_LIFETIME = Duration.ofHours(2);

    /**
     * {@code -Dbench.quick=true}: direct, the gateway and the plain gateway only (and any {@code bench.variants}),
     * printed, not recorded — for trying a change. {@code -Dbench.hold=true}: user-service, the gateway and the plain
     * gateway started, their addresses and a reader's token printed, and held for an hour for measuring by hand.
     * {@code -Dbench.gateway="name=value;..."}: extra properties for every gateway started. In both, an entry that
     * starts with {@code -} is a JVM option instead ({@code -XX:+UseParallelGC}).
     */
    private static final boolean QUICK = Boolean.getBoolean("bench.quick");

    /**
     * {@code -Dbench.warm-up=true}: only how fast a fresh gateway serves under full load, as shipped and with the JDK's
     * AOT cache trained two ways (see {@link #warmUp}); recorded in {@code gateway-warm-up.md}.
     */
    private static final boolean WARM_UP_ONLY = Boolean.getBoolean("bench.warm-up");

    /** How long the training run of the cache trained under load serves the full load before it stops. */
    private static final Duration TRAINING_LOAD = Duration.ofSeconds(80);

    private static final Map<String, Object> GATEWAY_OVERRIDES = overrides(System.getProperty("bench.gateway", ""));
    private static final List<String> GATEWAY_JVM_OPTIONS = jvmOptions(System.getProperty("bench.gateway", ""));

    private final HttpClient http = HttpClient.newHttpClient();
    private final Path work;
    private final List<AutoCloseable> running = new ArrayList<>();
    /** The process answering at each base URL, for its CPU time. */
    private final Map<String, Long> processAt = new HashMap<>();
    /** Microseconds of CPU per request of the process at each base URL, in its latest measurement. */
    private final Map<String, Long> cpuPerRequest = new HashMap<>();
    /** Gateways started by {@link #warmUp}, each logging to a folder of its own. */
    private int runsStarted;

    private GatewayBenchmark(Path work) {
        this.work = work;
    }

    public static void main(String[] args) {
        Path results = Path.of(args.length > 0 ? args[0] : "benchmarks/results");
        Benchmarks.runThenExit(() -> {
            var benchmark = new GatewayBenchmark(Files.createTempDirectory("meridian-gateway-bench-"));
            try {
                benchmark.run(results);
            } finally {
                benchmark.stopAll();
            }
        });
    }

    private void run(Path results) throws Exception {
        PostgresServer postgres = PostgresServer.shared();
        RedisServer redis = RedisServer.shared();
        KafkaProcess kafka = KafkaProcess.startOnFreePort();
        running.add(kafka);
        TokenIssuer tokens = TokenIssuer.start("http://localhost:8080");

        int userPort = ServiceProcess.freePort();
        String direct = "http://127.0.0.1:" + userPort;
        ServiceProcess users = Benchmarks.startUserService(
                userPort,
                postgres,
                postgres.createIsolatedDatabase("gateway-bench"),
                redis,
                kafka,
                tokens,
                work.resolve("user-service"),
                // The readers take their ids from the sign-up answer; this benchmark measures reads, not sign-up.
                Map.of("meridian.sign-up.reveal-existing-email", true));
        running.add(users);
        processAt.put(direct, users.pid());

        if (WARM_UP_ONLY) {
            warmUp(direct, tokens, redis, results);
            return;
        }
        String gateway = startGateway("gateway", direct, tokens, Map.of("spring.data.redis.url", redis.url()));
        String plain = startPlainGateway(direct);
        if (QUICK) {
            quick(direct, tokens, redis, gateway, plain);
            return;
        }
        if (Boolean.getBoolean("bench.hold")) {
            // For measuring by hand (wrk, curl, a profiler): everything stays up for an hour.
            String[] reader = signUp(direct, tokens, 1).getFirst();
            System.out.printf(
                    "hold: direct=%s gateway=%s plain=%s path=/api/users/%s token=%s%n",
                    direct, gateway, plain, reader[0], reader[1]);
            Thread.sleep(Duration.ofHours(1));
            return;
        }
        String limiterOff = startGateway(
                "gateway-limiter-off",
                direct,
                tokens,
                Map.of("spring.data.redis.url", redis.url(), "meridian.gateway.rate-limits.enabled", false));
        String redisHangs = startGateway(
                "gateway-redis-hangs", direct, tokens, Map.of("spring.data.redis.url", unresponsiveRedis()));
        String nginx = startNginx(userPort);

        List<String[]> readers = signUp(direct, tokens, 200);
        Path script = Wrk.getByIdScript(work, "readers.lua", readers, false);

        var saturation = new ArrayList<String>();
        for (String warming : List.of(gateway, limiterOff, redisHangs, plain)) {
            warmUntilSteady(warming, script);
        }
        Result directMax = measure(direct, script, CONNECTIONS);
        saturation.add(row("user-service directly", direct, directMax, directMax));
        Result viaNginx = measure(nginx, script, CONNECTIONS);
        saturation.add(row("nginx → user-service", nginx, viaNginx, directMax));
        Result viaGateway = measure(gateway, script, CONNECTIONS);
        saturation.add(row(
                "gateway → user-service (JWT, revocation list, limiter, routing, guard)",
                gateway,
                viaGateway,
                directMax));
        Result withoutLimiter = measure(limiterOff, script, CONNECTIONS);
        saturation.add(row("gateway, limiter off", limiterOff, withoutLimiter, directMax));
        Result withRedisHanging = measure(redisHangs, script, CONNECTIONS);
        saturation.add(row("gateway, Redis unresponsive (local buckets)", redisHangs, withRedisHanging, directMax));
        Result sixtyFour = measure(gateway, script, 64);
        saturation.add(row("gateway, 64 connections", gateway, sixtyFour, directMax));
        Result viaPlain = measure(plain, script, CONNECTIONS);
        saturation.add(row(
                "plain Spring Cloud Gateway (one route; no JWT, limiter, filters, metrics or tracing)",
                plain,
                viaPlain,
                directMax));

        int rate = (int) (directMax.perSecond() / 2);
        String[] reader = readers.getFirst();
        String path = "/api/users/" + reader[0];
        String token = reader[1];
        FixedRate directAtRate = FixedRate.run(direct + path, token, rate, MEASURED);
        FixedRate nginxAtRate = FixedRate.run(nginx + path, token, rate, MEASURED);
        FixedRate gatewayAtRate = FixedRate.run(gateway + path, token, rate, MEASURED);
        // Half the direct maximum is past what the gateway sustains here, so its latency there is a queue growing for
        // the whole run: what one request costs in time through it shows at a rate it sustains.
        int withinReach = (int) (viaGateway.perSecond() / 2);
        FixedRate directWithinReach = FixedRate.run(direct + path, token, withinReach, MEASURED);
        FixedRate nginxWithinReach = FixedRate.run(nginx + path, token, withinReach, MEASURED);
        FixedRate plainWithinReach = FixedRate.run(plain + path, token, withinReach, MEASURED);
        FixedRate gatewayWithinReach = FixedRate.run(gateway + path, token, withinReach, MEASURED);
        FixedRate hangingWithinReach = FixedRate.run(redisHangs + path, token, withinReach, MEASURED);

        String report = """
                # Gateway benchmark

                Recorded %s on %d cores, %s; every process on this one machine: user-service (`-Xmx1g`), three
                gateways and a plain Spring Cloud Gateway (`-Xmx512m`), nginx %s (2 workers, keep-alive upstream),
                PostgreSQL, Redis, Kafka, and the load generators (wrk with 2 threads; the harness's fixed-rate client,
                `FixedRate`). The request: `GET /api/users/{id}` with the user's RS256 token, 200 users at random,
                answered from user-service's cache.

                ## At saturation (wrk, %d s after %d s of warm-up, and for each gateway first 20 s rounds until one is within 5 %% of the last)

                | path | requests/s | × direct | p50 ms | p99 ms | non-2xx | µs CPU per request (process in front) |
                |---|---:|---:|---:|---:|---:|---:|
                %s
                Ratios: gateway / direct **%.2f**, gateway / nginx **%.2f**, limiter on / limiter off **%.2f**;
                plain Spring Cloud Gateway / direct %.2f, gateway / plain Spring Cloud Gateway %.2f.

                ## At a fixed rate: %d requests/s, half the direct maximum (evenly spaced, latency from when each request was due; %d s after %d s)

                | path | achieved/s | p50 ms | p99 ms | non-2xx |
                |---|---:|---:|---:|---:|
                %s
                Added by nginx at this rate: p50 %.2f ms. The gateway does not sustain this rate here: its latency is
                the queue of requests waiting for one of the client's %d connections, growing for the whole run.

                ## At a rate the gateway sustains: %d requests/s, half its own maximum (as above)

                | path | achieved/s | p50 ms | p99 ms | non-2xx |
                |---|---:|---:|---:|---:|
                %s
                Added by the gateway at this rate: p50 **%.2f ms**, p99 **%.2f ms**; by plain Spring Cloud Gateway: p50
                %.2f ms; by nginx: p50 %.2f ms. With Redis unresponsive the gateway adds p50 %.2f ms over the gateway with
                Redis (bounded by `meridian.gateway.redis.timeout`, 50 ms, paid once per `retry-interval`, 1 s, not per
                request).
                """.formatted(
                        LocalDate.now(),
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                        nginxVersion(),
                        MEASURED.toSeconds(),
                        WARM_UP.toSeconds(),
                        String.join("", saturation),
                        viaGateway.perSecond() / directMax.perSecond(),
                        viaGateway.perSecond() / viaNginx.perSecond(),
                        viaGateway.perSecond() / withoutLimiter.perSecond(),
                        viaPlain.perSecond() / directMax.perSecond(),
                        viaGateway.perSecond() / viaPlain.perSecond(),
                        rate,
                        MEASURED.toSeconds(),
                        FixedRate.WARM_UP.toSeconds(),
                        directAtRate.row("user-service directly")
                                + nginxAtRate.row("nginx → user-service")
                                + gatewayAtRate.row("gateway → user-service"),
                        nginxAtRate.p50() - directAtRate.p50(),
                        FixedRate.CONNECTIONS,
                        withinReach,
                        directWithinReach.row("user-service directly")
                                + nginxWithinReach.row("nginx → user-service")
                                + plainWithinReach.row("plain Spring Cloud Gateway → user-service")
                                + gatewayWithinReach.row("gateway → user-service")
                                + hangingWithinReach.row("gateway, Redis unresponsive"),
                        gatewayWithinReach.p50() - directWithinReach.p50(),
                        gatewayWithinReach.p99() - directWithinReach.p99(),
                        plainWithinReach.p50() - directWithinReach.p50(),
                        nginxWithinReach.p50() - directWithinReach.p50(),
                        hangingWithinReach.p50() - gatewayWithinReach.p50());
        Files.createDirectories(results);
        Path file = results.resolve("gateway-service.md");
        Files.writeString(file, report);
        System.out.println(report);
        System.out.println("Recorded in " + file);
    }

    /**
     * Direct, the gateway, the plain gateway and each of {@code -Dbench.variants="name:k=v;k=v|name:k=v"} (a gateway
     * with those properties too), printed: for trying a change.
     */
    private void quick(String direct, TokenIssuer tokens, RedisServer redis, String gateway, String plain)
            throws Exception {
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("gateway", gateway);
        paths.put("plain Spring Cloud Gateway", plain);
        for (String variant : System.getProperty("bench.variants", "").split("\\|")) {
            if (variant.contains(":")) {
                String name = variant.substring(0, variant.indexOf(':'));
                String spec = variant.substring(name.length() + 1);
                Map<String, Object> properties = new HashMap<>(overrides(spec));
                properties.put("spring.data.redis.url", redis.url());
                paths.put(name, startGateway("gateway-" + name, direct, tokens, properties, jvmOptions(spec)));
            }
        }
        List<String[]> readers = signUp(direct, tokens, 200);
        Path script = Wrk.getByIdScript(work, "readers.lua", readers, false);
        for (String path : paths.values()) {
            warmUntilSteady(path, script);
        }
        Result directMax = measure(direct, script, CONNECTIONS);
        System.out.printf(
                "quick: direct %.0f/s; overrides for all gateways %s%n", directMax.perSecond(), GATEWAY_OVERRIDES);
        double gatewayMax = 0;
        for (var path : paths.entrySet()) {
            Result result = measure(path.getValue(), script, CONNECTIONS);
            // Throughput here swings by ±20 % between runs on this shared VM; the CPU each request costs the process
            // in front is steadier, so changes are compared by it.
            System.out.printf(
                    "quick: %s %.0f/s (%.2f× direct), p50 %.2f ms, p99 %.2f ms, non-2xx %d, %d µs CPU per request%n",
                    path.getKey(),
                    result.perSecond(),
                    result.perSecond() / directMax.perSecond(),
                    result.p50(),
                    result.p99(),
                    result.errors(),
                    cpuPerRequest.get(path.getValue()));
            if (path.getValue().equals(gateway)) {
                gatewayMax = result.perSecond();
            }
        }
        // Latency without queueing: each at half the gateway's maximum, a rate all of them sustain.
        int rate = (int) (gatewayMax / 2);
        String reader = "/api/users/" + readers.getFirst()[0];
        String token = readers.getFirst()[1];
        FixedRate directAtRate = FixedRate.run(direct + reader, token, rate, MEASURED);
        System.out.printf(
                "quick: at %d/s direct p50 %.2f ms, p99 %.2f ms%n", rate, directAtRate.p50(), directAtRate.p99());
        for (var path : paths.entrySet()) {
            FixedRate atRate = FixedRate.run(path.getValue() + reader, token, rate, MEASURED);
            System.out.printf(
                    "quick: at %d/s %s p50 %.2f ms (+%.2f), p99 %.2f ms, non-2xx %d%n",
                    rate,
                    path.getKey(),
                    atRate.p50(),
                    atRate.p50() - directAtRate.p50(),
                    atRate.p99(),
                    atRate.errors());
        }
    }

    /** The CPU time the JVM at {@code baseUrl} has used so far; null for nginx (several processes). */
    private Duration cpuTime(String baseUrl) {
        Long pid = processAt.get(baseUrl);
        return pid == null
                ? null
                : ProcessHandle.of(pid)
                        .flatMap(process -> process.info().totalCpuDuration())
                        .orElseThrow(() -> new IllegalStateException("No CPU time for the process at " + baseUrl));
    }

    /**
     * Loads a JVM in front of user-service until its throughput stops rising (JIT compilation done): the requests/s of
     * each 20 s round, the last one the steady state (or the twelfth).
     */
    private static List<Double> warmUntilSteady(String baseUrl, Path script) throws Exception {
        List<Double> rounds = new ArrayList<>();
        double previous = 0;
        for (int round = 1; round <= MAX_WARM_UP_ROUNDS; round++) {
            double rate = Wrk.run(baseUrl, script, CONNECTIONS, WARM_UP_ROUND).perSecond();
            System.out.printf("warm-up %s round %d: %.0f/s%n", baseUrl, round, rate);
            rounds.add(rate);
            if (round >= 3 && Math.abs(rate - previous) <= 0.05 * previous) {
                break;
            }
            previous = rate;
        }
        return rounds;
    }

    /**
     * Issue 21's "a fresh instance useful at once": a gateway started and put under the full load at once (wrk, 32
     * connections), in 20 s rounds until steady — its first round against its steady one — four ways, one at a time
     * on the otherwise idle machine: the fat jar as {@code java -jar} runs it; the extracted jar without a cache; the
     * extracted jar with an AOT cache trained as {@code deploy/Dockerfile} trains it (a start that exits once the
     * context is refreshed: classes loaded and linked, no request served); and with a cache trained under this same
     * load for {@link #TRAINING_LOAD} (JEP 515's method profiles from serving requests, which C2 can use at once);
     * and, for comparison, the fat jar with C1 alone.
     */
    private void warmUp(String direct, TokenIssuer tokens, RedisServer redis, Path results) throws Exception {
        List<String[]> readers = signUp(direct, tokens, 200);
        Path script = Wrk.getByIdScript(work, "readers.lua", readers, false);
        Path fatJar = ServiceProcess.jar(ROOT, "gateway-service");
        Path extracted = extract(fatJar, work.resolve("gateway-extracted"));
        Map<String, Object> redisUrl = Map.of("spring.data.redis.url", redis.url());

        Path startOnly = work.resolve("start-only.aot");
        ServiceProcess training = launchGateway(
                "training-start-only",
                extracted,
                ServiceProcess.freePort(),
                direct,
                tokens,
                Map.of("spring.data.redis.url", redis.url(), "spring.context.exit", "onRefresh"),
                List.of("-XX:AOTCacheOutput=" + startOnly));
        // It exits by itself once refreshed, writing the cache on the way out.
        int exit = training.onExit().get(3, TimeUnit.MINUTES);
        if (exit != 0) {
            throw new IllegalStateException(
                    "The start-only training exited with " + exit + ": " + training.logTail(20));
        }
        Path underLoad = work.resolve("under-load.aot");
        int trainingPort = ServiceProcess.freePort();
        training = launchGateway(
                "training-under-load",
                extracted,
                trainingPort,
                direct,
                tokens,
                redisUrl,
                List.of("-XX:AOTCacheOutput=" + underLoad));
        training.awaitReady(trainingPort, Duration.ofMinutes(2));
        Wrk.run("http://127.0.0.1:" + trainingPort, script, CONNECTIONS, TRAINING_LOAD);
        training.close(Duration.ofMinutes(3));
        for (Path cache : List.of(startOnly, underLoad)) {
            if (!Files.isRegularFile(cache)) {
                throw new IllegalStateException("The training run wrote no AOT cache " + cache);
            }
        }

        List<WarmUp> runs = List.of(
                warmUp("fat jar (`java -jar`), no cache", fatJar, List.of(), direct, tokens, redisUrl, script),
                warmUp("extracted jar, no cache", extracted, List.of(), direct, tokens, redisUrl, script),
                warmUp(
                        "extracted jar, cache trained by a start (as the Dockerfile does)",
                        extracted,
                        List.of("-XX:AOTCache=" + startOnly),
                        direct,
                        tokens,
                        redisUrl,
                        script),
                warmUp(
                        "extracted jar, cache trained under %d s of this load".formatted(TRAINING_LOAD.toSeconds()),
                        extracted,
                        List.of("-XX:AOTCache=" + underLoad),
                        direct,
                        tokens,
                        redisUrl,
                        script),
                // C1 only: compiles in a fraction of C2's time, to a slower steady state.
                warmUp(
                        "fat jar, C1 only (`-XX:TieredStopAtLevel=1`), no cache",
                        fatJar,
                        List.of("-XX:TieredStopAtLevel=1"),
                        direct,
                        tokens,
                        redisUrl,
                        script));
        double shippedSteady = runs.getFirst().steady();
        String report = """
                # Gateway warm-up

                Recorded %s on %d cores, %s, by `BENCH_OPTS=-Dbench.warm-up=true benchmarks/run.sh gateway`: a gateway
                (`-Xmx512m`) in front of user-service, both on this machine with PostgreSQL, Redis, Kafka and wrk. Each
                gateway is started alone, and wrk's full load (2 threads, %d connections, `GET /api/users/{id}` with the
                user's token, 200 users) begins the moment it is ready, in %d s rounds until one is within 5 %% of the
                one before (at most %d). Issue 21's target: the first round at least 0.5× the steady one.

                | gateway | ready in s | first 20 s /s | rounds /s | steady /s | first / own steady | first / fat jar's steady |
                |---|---:|---:|---|---:|---:|---:|
                %s""".formatted(
                        LocalDate.now(),
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                        CONNECTIONS,
                        WARM_UP_ROUND.toSeconds(),
                        MAX_WARM_UP_ROUNDS,
                        runs.stream().map(run -> run.row(shippedSteady)).collect(Collectors.joining()));
        Files.createDirectories(results);
        Path file = results.resolve("gateway-warm-up.md");
        Files.writeString(file, report);
        System.out.println(report);
        System.out.println("Recorded in " + file);
    }

    /** One warm-up measurement: how long the gateway took to be ready, and each round's requests/s from then on. */
    private record WarmUp(String name, double readySeconds, List<Double> rounds) {

        double steady() {
            return rounds.getLast();
        }

        String row(double shippedSteady) {
            return "| %s | %.1f | %.0f | %s | %.0f | %.2f | %.2f |%n"
                    .formatted(
                            name,
                            readySeconds,
                            rounds.getFirst(),
                            rounds.stream().map(rate -> "%.0f".formatted(rate)).collect(Collectors.joining(", ")),
                            steady(),
                            rounds.getFirst() / steady(),
                            rounds.getFirst() / shippedSteady);
        }
    }

    /** Starts a gateway from {@code jar}, loads it from the moment it is ready until steady, and stops it. */
    private WarmUp warmUp(
            String name,
            Path jar,
            List<String> jvmOptions,
            String userService,
            TokenIssuer tokens,
            Map<String, Object> extra,
            Path script)
            throws Exception {
        int port = ServiceProcess.freePort();
        long started = System.nanoTime();
        ServiceProcess gateway =
                launchGateway("warm-up-" + (runsStarted++), jar, port, userService, tokens, extra, jvmOptions);
        try {
            gateway.awaitReady(port, Duration.ofMinutes(2));
            double readySeconds = (System.nanoTime() - started) / 1e9;
            return new WarmUp(name, readySeconds, warmUntilSteady("http://127.0.0.1:" + port, script));
        } finally {
            gateway.close();
        }
    }

    /** Spring Boot's extracted layout of {@code fatJar} ({@code -Djarmode=tools extract}): the jar to run in it. */
    private static Path extract(Path fatJar, Path folder) throws IOException, InterruptedException {
        Process extract = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Djarmode=tools",
                        "-jar",
                        fatJar.toString(),
                        "extract",
                        "--destination",
                        folder.toString())
                .redirectErrorStream(true)
                .redirectOutput(Files.createDirectories(folder.getParent())
                        .resolve("extract.log")
                        .toFile())
                .start();
        if (extract.waitFor() != 0) {
            throw new IllegalStateException("Could not extract " + fatJar);
        }
        return folder.resolve(fatJar.getFileName());
    }

    /** Saturation through {@code baseUrl}, and the CPU each request cost the process answering there. */
    private Result measure(String baseUrl, Path script, int connections) throws Exception {
        Wrk.run(baseUrl, script, connections, WARM_UP);
        Duration cpuBefore = cpuTime(baseUrl);
        Result result = Wrk.run(baseUrl, script, connections, MEASURED);
        if (cpuBefore != null) {
            long micros = cpuTime(baseUrl).minus(cpuBefore).toNanos() / 1000;
            cpuPerRequest.put(baseUrl, micros / Math.max(1, result.requests()));
        }
        return result;
    }

    private String startGateway(String name, String userService, TokenIssuer tokens, Map<String, Object> extra)
            throws Exception {
        return startGateway(name, userService, tokens, extra, List.of());
    }

    private String startGateway(
            String name, String userService, TokenIssuer tokens, Map<String, Object> extra, List<String> jvmOptions)
            throws Exception {
        int port = ServiceProcess.freePort();
        ServiceProcess process = launchGateway(
                name, ServiceProcess.jar(ROOT, "gateway-service"), port, userService, tokens, extra, jvmOptions);
        running.add(process);
        process.awaitReady(port, Duration.ofMinutes(2));
        String base = "http://127.0.0.1:" + port;
        processAt.put(base, process.pid());
        return base;
    }

    /**
     * A gateway from {@code jar} on {@code port}, routing to {@code userService}, its limits far above the offered
     * load; the caller waits for it and stops it.
     */
    private ServiceProcess launchGateway(
            String name,
            Path jar,
            int port,
            String userService,
            TokenIssuer tokens,
            Map<String, Object> extra,
            List<String> jvmOptions)
            throws IOException {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "server.port",
                port,
                "management.server.port",
                ServiceProcess.freePort(),
                "eureka.client.enabled",
                false,
                "spring.cloud.discovery.client.simple.instances.user-service[0].uri",
                userService,
                "meridian.gateway.jwt.issuer",
                tokens.issuer(),
                "meridian.gateway.jwt.jwk-set-uri",
                tokens.jwkSetUri(),
                // Far above the offered load: the limiter does all its work but never refuses.
                "meridian.gateway.rate-limits.tiers.default.replenish-rate",
                1_000_000,
                "meridian.gateway.rate-limits.tiers.default.burst-capacity",
                1_000_000,
                "logging.level.root",
                "WARN"));
        // Every benchmark user signs in through one client, from one address: its cap and the per-address limit
        // before authentication are lifted the same way.
        for (String tier : List.of("client-users", "address")) {
            properties.put("meridian.gateway.rate-limits.tiers." + tier + ".replenish-rate", 1_000_000);
            properties.put("meridian.gateway.rate-limits.tiers." + tier + ".burst-capacity", 1_000_000);
        }
        properties.putAll(extra);
        properties.putAll(GATEWAY_OVERRIDES);
        List<String> options = new ArrayList<>(Benchmarks.jvmOptions("-Xmx512m"));
        options.addAll(GATEWAY_JVM_OPTIONS);
        options.addAll(jvmOptions);
        return ServiceProcess.startJar("gateway-service", jar, options, properties, work.resolve(name));
    }

    /** benchmarks/plain-gateway: the framework alone, routing every path to user-service. */
    private String startPlainGateway(String userService) throws Exception {
        int port = ServiceProcess.freePort();
        ServiceProcess process = ServiceProcess.startJar(
                "plain-gateway",
                ROOT.resolve("benchmarks/plain-gateway/target/plain-gateway-0.1.0-SNAPSHOT.jar"),
                Benchmarks.jvmOptions("-Xmx512m"),
                Map.of("server.port", port, "plain-gateway.target", userService),
                work.resolve("plain-gateway"));
        running.add(process);
        String base = "http://127.0.0.1:" + port;
        process.awaitOk(URI.create(base + "/livez"), Duration.ofMinutes(2));
        processAt.put(base, process.pid());
        return base;
    }

    private static Map<String, Object> overrides(String spec) {
        Map<String, Object> overrides = new HashMap<>();
        for (String pair : spec.split(";")) {
            if (pair.contains("=") && !pair.startsWith("-")) {
                overrides.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        return overrides;
    }

    private static List<String> jvmOptions(String spec) {
        return Stream.of(spec.split(";")).filter(entry -> entry.startsWith("-")).toList();
    }

    /** A TCP server that accepts connections and never answers: the worst kind of Redis outage. */
    private String unresponsiveRedis() throws IOException {
        var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<Socket> held = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        });
        running.add(server);
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    private String startNginx(int userPort) throws Exception {
        int port = ServiceProcess.freePort();
        Path folder = Files.createDirectories(work.resolve("nginx"));
        Path config = folder.resolve("nginx.conf");
        Files.writeString(config, """
                worker_processes 2;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  upstream users { server 127.0.0.1:%2$d; keepalive 64; }
                  server {
                    listen 127.0.0.1:%3$d;
                    location / {
                      proxy_pass http://users;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                    }
                  }
                }
                """.formatted(folder, userPort, port));
        Process nginx = new ProcessBuilder(
                        "nginx", "-p", folder.toString(), "-c", config.toString(), "-g", "daemon off;")
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("out.log").toFile())
                .start();
        running.add(() -> {
            nginx.destroy();
            nginx.waitFor();
        });
        String base = "http://127.0.0.1:" + port;
        for (int i = 0; i < 50; i++) {
            try {
                http.send(
                        HttpRequest.newBuilder(URI.create(base + "/livez")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return base;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nginx did not start: " + Files.readString(folder.resolve("out.log")));
    }

    private static String nginxVersion() throws Exception {
        Process version =
                new ProcessBuilder("nginx", "-v").redirectErrorStream(true).start();
        String output = new String(version.getInputStream().readAllBytes()).strip();
        version.waitFor();
        return output.replace("nginx version: ", "");
    }

    /** Accounts signed up through user-service, each with a token to read itself. */
    private List<String[]> signUp(String base, TokenIssuer tokens, int count) throws Exception {
        List<String[]> readers = new ArrayList<>();
        Pattern idPattern = Pattern.compile("\"id\":\"([^\"]+)\"");
        for (int i = 0; i < count; i++) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/users"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("""
                                    {"email": "%s@bench.example", "name": "Reader", "password": "correct horse battery"}""".formatted(UUID.randomUUID())))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher id = idPattern.matcher(response.body());
            if (!id.find()) {
                throw new IllegalStateException("Unexpected sign-up answer: " + response.body());
            }
            String token = tokens.sign(tokens.claims(id.group(1), "user-service")
                    .expirationTime(Date.from(Instant.now().plus(READER_TOKEN_LIFETIME)))
                    .claim("roles", List.of("USER"))
                    .claim("client_id", "bench")
                    .build());
            readers.add(new String[] {id.group(1), token});
        }
        return readers;
    }

    private String row(String path, String baseUrl, Result result, Result direct) {
        Long cpu = cpuPerRequest.get(baseUrl);
        return "| %s | %.0f | %.2f | %.2f | %.2f | %d | %s |%n"
                .formatted(
                        path,
                        result.perSecond(),
                        result.perSecond() / direct.perSecond(),
                        result.p50(),
                        result.p99(),
                        result.errors(),
                        cpu == null ? "–" : cpu);
    }

    private void stopAll() {
        for (AutoCloseable process : running.reversed()) {
            try {
                process.close();
            } catch (Exception e) {
                System.err.println("Could not stop " + process + ": " + e);
            }
        }
    }
}
