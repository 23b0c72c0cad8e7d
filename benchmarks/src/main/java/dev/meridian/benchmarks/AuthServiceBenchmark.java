package dev.meridian.benchmarks;

import dev.meridian.testkit.PostgresServer;
import dev.meridian.testkit.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * auth-service under load: client_credentials tokens issued per second (each one an RS256 signature and an
 * authorization row in PostgreSQL), and access-token validations per second with the decoder and validators every
 * resource server uses (signature, issuer, audience, expiry), on tokens it issued. Usage: see README.md.
 */
public final class AuthServiceBenchmark {

    private static final Path ROOT = Path.of(System.getProperty("meridian.root", "."));
    private static final String ISSUER = "http://localhost:8080";
    private static final String SECRET = "benchmark-client-secret";
    private static final int CLIENTS = 16;
    private static final Duration MEASURED = Duration.ofSeconds(30);
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newHttpClient();
    private String baseUrl;

    public static void main(String[] args) {
        Path results = Path.of(args.length > 0 ? args[0] : "benchmarks/results");
        Benchmarks.runThenExit(() -> new AuthServiceBenchmark().run(results));
    }

    private void run(Path results) throws Exception {
        PostgresServer postgres = PostgresServer.shared();
        int port = ServiceProcess.freePort();
        baseUrl = "http://127.0.0.1:" + port;
        try (ServiceProcess auth = ServiceProcess.start(
                ROOT,
                "auth-service",
                Benchmarks.jvmOptions("-Xmx512m"),
                Map.ofEntries(
                        Map.entry("server.port", port),
                        Map.entry("spring.datasource.url", postgres.createIsolatedDatabase("auth-bench")),
                        Map.entry("spring.datasource.username", postgres.username()),
                        Map.entry("spring.datasource.password", postgres.password()),
                        Map.entry("eureka.client.enabled", false),
                        Map.entry("logging.level.root", "WARN"),
                        Map.entry("meridian.auth.issuer", ISSUER),
                        // A fresh database: no key store to migrate, so only the AES-256 key (32 bytes, base64).
                        Map.entry("meridian.auth.keys.encryption-key", "YmVuY2htYXJrLW9ubHktMzItYnl0ZXMtb2Yta2V5ISE="),
                        Map.entry("meridian.auth.clients[0].client-id", "bench"),
                        Map.entry("meridian.auth.clients[0].secret", SECRET),
                        Map.entry("meridian.auth.clients[0].grant-types", "client_credentials"),
                        Map.entry("meridian.auth.clients[0].scopes", "users.read"),
                        Map.entry("meridian.auth.clients[0].audiences", "user-service")),
                Files.createTempDirectory("meridian-bench-"))) {
            auth.awaitReady(port, Duration.ofMinutes(2));
            issueTokens(Duration.ofSeconds(10)); // warm-up: JIT, connection pool
            Issued issued = issueTokens(MEASURED);
            double validations = validate(issued.tokens());

            String report = """
                    # auth-service benchmark

                    Recorded %s on %d cores, %s. PostgreSQL %s; auth-service from its jar (`-Xmx512m %s`).

                    | measurement | per second | p50 ms | p99 ms | count |
                    |---|---:|---:|---:|---:|
                    | client_credentials tokens, %d concurrent clients, %d s | %.0f | %.1f | %.1f | %d |
                    | access-token validations (NimbusJwtDecoder + issuer, audience, expiry validators), 2 threads | %.0f | | | %d tokens, each validated repeatedly |
                    """.formatted(
                            LocalDate.now(),
                            Runtime.getRuntime().availableProcessors(),
                            System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                            postgres.origin().name().toLowerCase(),
                            System.getenv().getOrDefault("BENCH_JVM_ARGS", "").strip(),
                            CLIENTS,
                            MEASURED.toSeconds(),
                            issued.perSecond(),
                            issued.p50(),
                            issued.p99(),
                            issued.tokens().size(),
                            validations,
                            Math.min(issued.tokens().size(), 2_000));
            Files.createDirectories(results);
            Path file = results.resolve("auth-service.md");
            Files.writeString(file, report);
            System.out.println(report);
            System.out.println("Recorded in " + file);
        }
    }

    /** {@value #CLIENTS} clients asking for tokens back to back for {@code duration}. */
    private Issued issueTokens(Duration duration) throws Exception {
        String basic =
                "Basic " + Base64.getEncoder().encodeToString(("bench:" + SECRET).getBytes(StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(URI.create(baseUrl + "/oauth2/token"))
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=users.read"))
                .build();
        List<String> tokens = Collections.synchronizedList(new ArrayList<>());
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CLIENTS; i++) {
                executor.submit(() -> {
                    while (System.nanoTime() < end) {
                        long sent = System.nanoTime();
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        latencies.add(System.nanoTime() - sent);
                        Matcher token = ACCESS_TOKEN.matcher(response.body());
                        if (response.statusCode() == 200 && token.find()) {
                            tokens.add(token.group(1));
                        }
                    }
                    return null;
                });
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = latencies.stream().sorted().toList();
        return new Issued(tokens, tokens.size() / seconds, millis(sorted, 0.50), millis(sorted, 0.99));
    }

    /** Validations per second over 10 s on two threads, as a resource server checks each request's token. */
    private double validate(List<String> issued) throws Exception {
        NimbusJwtDecoder decoder =
                NimbusJwtDecoder.withJwkSetUri(baseUrl + "/oauth2/jwks").build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                new JwtTimestampValidator(Duration.ofSeconds(30)),
                new JwtIssuerValidator(ISSUER),
                new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains("user-service"))));
        List<String> tokens = issued.subList(0, Math.min(issued.size(), 2_000));
        tokens.forEach(decoder::decode); // warm-up, and the JWKS fetched once
        var done = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long start = System.nanoTime();
        try (var executor = Executors.newFixedThreadPool(2)) {
            for (int thread = 0; thread < 2; thread++) {
                executor.submit(() -> {
                    for (int i = 0; System.nanoTime() < end; i++) {
                        decoder.decode(tokens.get(i % tokens.size()));
                        done.incrementAndGet();
                    }
                });
            }
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static double millis(List<Long> sorted, double percentile) {
        return sorted.isEmpty()
                ? 0
                : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(percentile * sorted.size()) - 1)) / 1e6;
    }

    private record Issued(List<String> tokens, double perSecond, double p50, double p99) {}
}
