package dev.meridian.benchmarks;

import dev.meridian.benchmarks.Wrk.Result;
import dev.meridian.testkit.KafkaProcess;
import dev.meridian.testkit.PostgresServer;
import dev.meridian.testkit.RedisServer;
import dev.meridian.testkit.ServiceProcess;
import dev.meridian.testkit.TokenIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * user-service under load: sign-up throughput with the outbox on, and get-by-id throughput and latency with the
 * two-level cache warm (every read a local hit) and cold (every read a miss that goes to PostgreSQL and fills both
 * levels). The service runs from its packaged jar against real PostgreSQL, Redis and Kafka; wrk generates the load
 * from its own process. Usage: {@code java -cp ... UserServiceBenchmark [results-folder]}; see README.md.
 */
public final class UserServiceBenchmark {

    private static final String AUDIENCE = "user-service";
    private static final int CONNECTIONS = 32;
    private static final Duration WRK_DURATION = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newHttpClient();
    private final Path work;
    private String baseUrl;

    private UserServiceBenchmark(Path work) {
        this.work = work;
    }

    public static void main(String[] args) {
        Path results = Path.of(args.length > 0 ? args[0] : "benchmarks/results");
        Benchmarks.runThenExit(() -> {
            Path work = Files.createTempDirectory("meridian-bench-");
            new UserServiceBenchmark(work).run(results);
        });
    }

    private void run(Path results) throws Exception {
        PostgresServer postgres = PostgresServer.shared();
        String database = postgres.createIsolatedDatabase("user-service-bench");
        RedisServer redis = RedisServer.shared();
        KafkaProcess kafka = KafkaProcess.startOnFreePort();
        TokenIssuer tokens = TokenIssuer.start("http://localhost:8080");
        int port = ServiceProcess.freePort();
        baseUrl = "http://127.0.0.1:" + port;

        ServiceProcess service = Benchmarks.startUserService(port, postgres, database, redis, kafka, tokens, work);
        try {
            var report = new StringBuilder();
            report.append(header(postgres, redis));

            // Warm-up: JIT, connection pools, the producer's metadata.
            load(newEmails(100).stream().map(this::signUp).toList(), 8);
            List<String> emails = newEmails(400);
            Result signUps = load(emails.stream().map(this::signUp).toList(), 8);
            report.append(
                    row("Sign-up (Argon2id + outbox; 202 whether or not registered), 8 concurrent clients", signUps));

            // The lifecycle's requests against today's sign-up, same run (issue 18: each >= 0.8x sign-up).
            List<String> links = mailLinks(postgres, database, tokens, emails);
            Result verifications = load(
                    links.stream()
                            .map(link -> (Call) () -> post(
                                    "/api/users/email-verification",
                                    "{\"token\": \"%s\"}".formatted(link.replaceFirst(".*token=", ""))))
                            .toList(),
                    8);
            report.append(row("Email verification by the mailed link, 8 concurrent clients", verifications));
            Result resets = load(
                    emails.stream()
                            .map(email -> (Call)
                                    () -> post("/api/users/password-reset", "{\"email\": \"%s\"}".formatted(email)))
                            .toList(),
                    8);
            report.append(row("Password reset request (202 for every address), 8 concurrent clients", resets));

            List<String[]> users = signedUpUsers(postgres, database, tokens, 200);
            Path cachedScript = script("cached.lua", users, false);
            wrk(cachedScript, Duration.ofSeconds(10)); // warm the cache and the JIT
            Result cached = wrk(cachedScript, WRK_DURATION);
            report.append(row("Get by id, cache warm (local hits), " + CONNECTIONS + " connections", cached));

            List<String[]> cold = insertUsers(postgres, database, 150_000, tokens);
            Result uncached = wrk(script("uncached.lua", cold, true), WRK_DURATION);
            report.append(row("Get by id, cache cold (every read a miss), " + CONNECTIONS + " connections", uncached));

            Files.createDirectories(results);
            Path file = results.resolve("user-service.md");
            Files.writeString(file, report.toString());
            System.out.println(report);
            System.out.println("Recorded in " + file);
        } finally {
            service.close();
            kafka.close();
        }
    }

    /** One timed request; a non-2xx answer fails the run. */
    @FunctionalInterface
    private interface Call {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }

    private static List<String> newEmails(int count) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> UUID.randomUUID() + "@bench.example")
                .toList();
    }

    private Call signUp(String email) {
        return () -> post("/api/users", """
                {"email": "%s", "name": "Bench", "password": "correct horse battery"}""".formatted(email));
    }

    /** {@code calls} from {@code clients} concurrent clients, each waiting for its answer. */
    private Result load(List<Call> calls, int clients) throws Exception {
        int count = calls.size();
        long[] latencies = new long[count];
        var permits = new Semaphore(clients);
        Instant start = Instant.now();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                permits.acquire();
                running.add(executor.submit(() -> {
                    try {
                        long begin = System.nanoTime();
                        var response = calls.get(index).send();
                        latencies[index] = System.nanoTime() - begin;
                        if (response.statusCode() / 100 != 2) {
                            throw new IllegalStateException(
                                    "Answered " + response.statusCode() + ": " + response.body());
                        }
                        return null;
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<?> call : running) {
                call.get();
            }
        }
        Duration took = Duration.between(start, Instant.now());
        Arrays.sort(latencies);
        return new Result(
                count / (took.toMillis() / 1000.0),
                latencies[count / 2] / 1e6,
                latencies[count * 99 / 100] / 1e6,
                0,
                count);
    }

    /**
     * The verification link of each address, as notification-service fetches it ({@code /internal/mail-links} with
     * its scope), by the request the sign-up wrote: not timed.
     */
    private List<String> mailLinks(PostgresServer postgres, String jdbcUrl, TokenIssuer tokens, List<String> emails)
            throws Exception {
        String mailer = tokens.sign(tokens.claims("notification-service", AUDIENCE)
                .claim("scope", "users.mail-links")
                .build());
        List<String> links = new ArrayList<>();
        try (Connection connection = postgres.connect(jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1));
                var requests = connection.prepareStatement(
                        "select id from one_time_requests where email = ? and purpose = 'verify-email'")) {
            for (String email : emails) {
                requests.setString(1, email);
                try (var found = requests.executeQuery()) {
                    if (!found.next()) {
                        throw new IllegalStateException("No verification request for " + email);
                    }
                    var response = http.send(
                            HttpRequest.newBuilder(URI.create(baseUrl + "/internal/mail-links"))
                                    .header("Content-Type", "application/json")
                                    .header("Authorization", "Bearer " + mailer)
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"requestId\": \"%s\"}".formatted(found.getObject(1))))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    Matcher link = Pattern.compile("\"link\":\"([^\"]+)\"").matcher(response.body());
                    if (response.statusCode() != 200 || !link.find()) {
                        throw new IllegalStateException("mail-links answered " + response.statusCode());
                    }
                    links.add(link.group(1));
                }
            }
        }
        return links;
    }

    /**
     * Users signed up through the API, each with a token to read their own account: their ids read from the database,
     * as sign-up no longer answers with the account.
     */
    private List<String[]> signedUpUsers(PostgresServer postgres, String jdbcUrl, TokenIssuer tokens, int count)
            throws Exception {
        List<String[]> users = new ArrayList<>();
        try (Connection connection = postgres.connect(jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1));
                var byEmail = connection.prepareStatement("select id from users where email = ?")) {
            for (String email : newEmails(count)) {
                var response = signUp(email).send();
                if (response.statusCode() != 202) {
                    throw new IllegalStateException("Unexpected sign-up answer: " + response.body());
                }
                byEmail.setString(1, email);
                try (var found = byEmail.executeQuery()) {
                    found.next();
                    String id = found.getObject(1).toString();
                    users.add(new String[] {id, userToken(tokens, id)});
                }
            }
        }
        return users;
    }

    /**
     * Many users written straight to the database, more than the run can read, so that every read is a first
     * read: a miss in both cache levels. Read with the token of an administrator whose account exists, as in a
     * deployment: user-service looks every caller's account up (a deactivated one is refused), from its cache.
     */
    private List<String[]> insertUsers(PostgresServer postgres, String jdbcUrl, int count, TokenIssuer tokens)
            throws SQLException {
        UUID adminId = UUID.randomUUID();
        // Signed in with a second factor: user-service reads another user's account for an administrator only then.
        String admin = tokens.sign(tokens.claims(adminId.toString(), AUDIENCE)
                .claim("roles", List.of("ADMIN"))
                .claim("acr", "urn:meridian:acr:mfa")
                .build());
        List<String[]> users = new ArrayList<>(count);
        try (Connection connection = postgres.connect(jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1))) {
            connection.setAutoCommit(false);
            try (var administrator = connection.prepareStatement("""
                    insert into users (id, email, name, password_hash, role, status, created_at, updated_at, version)
                    values (?, 'admin@cold.example', 'Cold Admin', '{noop}unused', 'ADMIN', 'ACTIVE', now(), now(), 0)""")) {
                administrator.setObject(1, adminId);
                administrator.executeUpdate();
            }
            var insert = connection.prepareStatement("""
                    insert into users (id, email, name, password_hash, role, status, created_at, updated_at, version)
                    values (?, ?, 'Cold', '{noop}unused', 'USER', 'ACTIVE', now(), now(), 0)""");
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                insert.setObject(1, id);
                insert.setString(2, id + "@cold.example");
                insert.addBatch();
                if (i % 5_000 == 4_999) {
                    insert.executeBatch();
                }
                users.add(new String[] {id.toString(), admin});
            }
            insert.executeBatch();
            connection.commit();
        }
        return users;
    }

    private Path script(String name, List<String[]> users, boolean eachOnce) throws IOException {
        return Wrk.getByIdScript(work, name, users, eachOnce);
    }

    private Result wrk(Path script, Duration duration) throws IOException, InterruptedException {
        return Wrk.run(baseUrl, script, CONNECTIONS, duration);
    }

    private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String userToken(TokenIssuer tokens, String id) {
        return tokens.sign(
                tokens.claims(id, AUDIENCE).claim("roles", List.of("USER")).build());
    }

    private static String header(PostgresServer postgres, RedisServer redis) {
        return """
                # user-service benchmark

                Recorded %s on %d cores, %s. PostgreSQL %s, Redis %s, Kafka as a local process; user-service from its
                jar (`-Xmx1g %s`), wrk with 2 threads on the same machine.

                | scenario | requests/s | p50 ms | p99 ms | non-2xx | requests |
                |---|---:|---:|---:|---:|---:|
                """.formatted(
                        LocalDate.now(),
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                        postgres.origin().name().toLowerCase(),
                        redis.origin().name().toLowerCase(),
                        System.getenv().getOrDefault("BENCH_JVM_ARGS", "").strip());
    }

    private static String row(String scenario, Result result) {
        return "| %s | %.0f | %.2f | %.2f | %d | %d |%n"
                .formatted(
                        scenario, result.perSecond(), result.p50(), result.p99(), result.errors(), result.requests());
    }
}
