package dev.meridian.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.testkit.RedisServer;
import dev.meridian.testkit.TokenIssuer;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rate limits against a Redis of this test's own (embedded, real redis-server), which it stops and starts again.
 * Limits here: 10 requests per second with bursts of 10 per client (one token per Redis call: a lease of 50 ms at
 * that rate is less than one); for the client {@code busy} 2,000 and 2,000 (leases of up to 100 tokens), for
 * {@code fleet} 200 and 20 (up to 10).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "management.server.port=0",
            "meridian.gateway.rate-limits.tiers.default.replenish-rate=" + GatewayRateLimitIT.RATE,
            "meridian.gateway.rate-limits.tiers.default.burst-capacity=" + GatewayRateLimitIT.BURST,
            // The flood below saturates two cores; Redis must decide every admission here (the local fallback has
            // its own tests), so a slow answer is waited for rather than decided locally.
            "meridian.gateway.redis.timeout=" + GatewayRateLimitIT.REDIS_TIMEOUT,
            "meridian.gateway.rate-limits.clients.busy.replenish-rate=" + GatewayRateLimitIT.BUSY_RATE,
            "meridian.gateway.rate-limits.clients.busy.burst-capacity=" + GatewayRateLimitIT.BUSY_RATE,
            "meridian.gateway.rate-limits.clients.fleet.replenish-rate=" + GatewayRateLimitIT.FLEET_RATE,
            "meridian.gateway.rate-limits.clients.fleet.burst-capacity=" + GatewayRateLimitIT.FLEET_BURST
        })
class GatewayRateLimitIT {

    static final int RATE = 10;
    static final int BURST = 10;
    static final String REDIS_TIMEOUT = "1s";
    static final int BUSY_RATE = 2_000;
    static final int FLEET_RATE = 200;
    static final int FLEET_BURST = 20;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final RedisServer REDIS = RedisServer.startEmbedded();
    private static final TokenIssuer ISSUER = TokenIssuer.start(Edge.ISSUER);
    private static final Backend USERS = Backend.start("user-service");

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ReactiveStringRedisTemplate redis;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        properties().forEach((name, value) -> registry.add(name, value));
    }

    /** What this test adds to the configuration, for the second gateway instance too. */
    private static Map<String, Supplier<Object>> properties() {
        return Map.of(
                "spring.data.redis.url", REDIS::url,
                "spring.cloud.discovery.client.simple.instances.user-service[0].uri", USERS::uri,
                "spring.cloud.discovery.client.simple.instances.auth-service[0].uri", USERS::uri,
                "meridian.gateway.jwt.issuer", ISSUER::issuer,
                "meridian.gateway.jwt.jwk-set-uri", ISSUER::jwkSetUri);
    }

    @AfterAll
    static void stop() {
        USERS.close();
    }

    @Test
    void overTSecondsAKeyIsAdmittedAtItsRateAndTheExcessGets429Problems() throws Exception {
        Edge edge = new Edge(port, ISSUER);
        String token = edge.token("greedy");
        int seconds = 3;

        long started = System.nanoTime();
        List<HttpResponse<String>> responses = flood(edge, token, 8, Duration.ofSeconds(seconds));
        // The last requests start before T and are answered after it: T is measured to the last answer.
        double elapsed = (System.nanoTime() - started) / 1e9;

        long admitted = responses.stream().filter(r -> r.statusCode() == 200).count();
        assertThat(admitted)
                .as("admitted over %.2f s", elapsed)
                .isBetween((long) RATE * (seconds - 1), (long) Math.ceil(RATE * elapsed) + BURST + RATE);
        assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200, 429);
        HttpResponse<String> refused = responses.stream()
                .filter(r -> r.statusCode() == 429)
                .findFirst()
                .orElseThrow();
        assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(JSON.readTree(refused.body()).get("status").asInt()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).contains("0");
        assertThat(refused.headers().firstValue("X-RateLimit-Replenish-Rate")).contains(Integer.toString(RATE));
        assertThat(refused.headers().firstValue("X-RateLimit-Burst-Capacity")).contains(Integer.toString(BURST));
    }

    @Test
    void aClientFloodingAtTenTimesItsLimitCausesNo429ForAnother() throws Exception {
        Edge edge = new Edge(port, ISSUER);
        String flooder = edge.token("flooder");
        String neighbour = edge.token("neighbour");
        var neighbourStatuses = new ConcurrentLinkedQueue<Integer>();

        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var flood = pool.submit(() -> paced(edge, flooder, 10 * RATE, Duration.ofSeconds(3)));
            var calm = pool.submit(
                    () -> neighbourStatuses.addAll(paced(edge, neighbour, RATE / 2, Duration.ofSeconds(3))));
            List<Integer> flooded = flood.get();
            calm.get();
            assertThat(flooded).as("the flooder is limited").contains(429);
        }

        assertThat(neighbourStatuses).isNotEmpty().containsOnly(200);
    }

    @Test
    void aBusyClientCostsRedisOneCallPerLeaseNotOnePerRequest() {
        Edge edge = new Edge(port, ISSUER);
        String token = edge.token("busy");
        long callsBefore = scriptCalls();

        List<Integer> statuses = paced(edge, token, 500, Duration.ofSeconds(2));

        long calls = scriptCalls() - callsBefore;
        assertThat(statuses).as("well under its limit").containsOnly(200);
        assertThat(calls)
                .as("rate-limit script calls for %d requests", statuses.size())
                .isPositive()
                .isLessThanOrEqualTo(statuses.size() / 4);
    }

    @Test
    void signInAttemptsAreLimitedPerAddressMoreStrictlyThanTheApi() {
        Edge edge = new Edge(port, ISSUER);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            statuses.add(edge.send(edge.request("/login", null)
                            .setHeader("Content-Type", "application/x-www-form-urlencoded")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("username=a&password=b")))
                    .statusCode());
        }

        // The login tier: bursts of 10, then 2 a second, whatever the (unauthenticated) caller.
        assertThat(statuses.subList(0, 10)).containsOnly(200);
        assertThat(statuses.subList(12, 15)).containsOnly(429);
    }

    @Test
    void twoGatewayInstancesShareOneBucketPerKey() throws Exception {
        try (ConfigurableApplicationContext second = secondInstance()) {
            int secondPort =
                    ((WebServerApplicationContext) second).getWebServer().getPort();
            Edge first = new Edge(port, ISSUER);
            Edge other = new Edge(secondPort, ISSUER);
            String token = first.token("shared");

            long started = System.nanoTime();
            int admitted = 0;
            int admittedBySecond = 0;
            for (int i = 0; i < 40; i++) {
                boolean viaSecond = i % 2 == 1;
                int status =
                        (viaSecond ? other : first).get("/api/users/me", token).statusCode();
                if (status == 200) {
                    admitted++;
                    admittedBySecond += viaSecond ? 1 : 0;
                }
            }
            double elapsed = (System.nanoTime() - started) / 1e9;

            assertThat(admittedBySecond).isPositive();
            assertThat(admitted)
                    .as("one bucket of %d plus %d/s over %.2f s, not one per instance", BURST, RATE, elapsed)
                    .isLessThanOrEqualTo((int) (BURST + RATE * elapsed) + 1);

            // A client busy enough for leases on both instances: still one bucket, and none of it lost in leases.
            String fleet = first.token("fleet");
            int seconds = 3;
            started = System.nanoTime();
            try (var pool = Executors.newFixedThreadPool(2)) {
                var viaFirst = pool.submit(() -> flood(first, fleet, 3, Duration.ofSeconds(seconds)));
                var viaSecond = pool.submit(() -> flood(other, fleet, 3, Duration.ofSeconds(seconds)));
                long fleetAdmitted = Stream.concat(viaFirst.get().stream(), viaSecond.get().stream())
                        .filter(response -> response.statusCode() == 200)
                        .count();
                elapsed = (System.nanoTime() - started) / 1e9;
                assertThat(fleetAdmitted)
                        .as("admitted over %.2f s through two instances leasing tokens", elapsed)
                        .isBetween(
                                (long) FLEET_RATE * (seconds - 1),
                                (long) Math.ceil(FLEET_RATE * elapsed) + FLEET_BURST + FLEET_RATE);
            }
        }
    }

    @Test
    void withRedisStoppedLimitsHoldLocallyAndRedisTakesBackOverWhenItReturns() throws Exception {
        Edge edge = new Edge(port, ISSUER);
        String token = edge.token("through-the-outage");
        REDIS.stop();
        try {
            long started = System.nanoTime();
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                statuses.add(edge.get("/api/users/me", token).statusCode());
            }
            double elapsed = (System.nanoTime() - started) / 1e9;

            assertThat(statuses).as("never an outage").containsOnly(200, 429);
            long admitted = statuses.stream().filter(status -> status == 200).count();
            assertThat(admitted).as("never unlimited").isBetween(1L, (long) (BURST + RATE * elapsed) + 1);
            assertThat(decisions("local")).isPositive();
        } finally {
            REDIS.start();
        }

        double fromRedisBefore = decisions("redis");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    edge.get("/api/users/me", edge.token("after-the-outage"));
                    assertThat(decisions("redis")).isGreaterThan(fromRedisBefore);
                });
    }

    /** How often Redis ran a script (the rate limiter is this gateway's only one), counted by Redis itself. */
    private long scriptCalls() {
        Properties stats;
        try (var connection = redis.getConnectionFactory().getReactiveConnection()) {
            stats = connection.serverCommands().info("commandstats").block(Duration.ofSeconds(5));
        }
        return Stream.of("cmdstat_evalsha", "cmdstat_eval")
                .map(stats::getProperty)
                .filter(Objects::nonNull)
                .mapToLong(line -> Long.parseLong(line.replaceAll("^calls=(\\d+),.*$", "$1")))
                .sum();
    }

    private double decisions(String store) {
        return meters.find("meridian.gateway.rate_limit").tag("store", store).counters().stream()
                .mapToDouble(counter -> counter.count())
                .sum();
    }

    private ConfigurableApplicationContext secondInstance() {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--management.server.port=0",
                "--eureka.client.enabled=false",
                "--meridian.gateway.rate-limits.tiers.default.replenish-rate=" + RATE,
                "--meridian.gateway.rate-limits.tiers.default.burst-capacity=" + BURST,
                "--meridian.gateway.redis.timeout=" + REDIS_TIMEOUT,
                "--meridian.gateway.rate-limits.clients.fleet.replenish-rate=" + FLEET_RATE,
                "--meridian.gateway.rate-limits.clients.fleet.burst-capacity=" + FLEET_BURST));
        properties().forEach((name, value) -> args.add("--" + name + "=" + value.get()));
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }

    /** {@code threads} clients sending as fast as they can for {@code duration}. */
    private static List<HttpResponse<String>> flood(Edge edge, String token, int threads, Duration duration)
            throws Exception {
        var responses = new ConcurrentLinkedQueue<HttpResponse<String>>();
        long end = System.nanoTime() + duration.toNanos();
        try (var pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        responses.add(edge.get("/api/users/me", token));
                    }
                });
            }
        }
        return List.copyOf(responses);
    }

    /** One client sending {@code perSecond} requests a second, evenly spaced, for {@code duration}. */
    private static List<Integer> paced(Edge edge, String token, int perSecond, Duration duration) {
        List<Integer> statuses = new ArrayList<>();
        long interval = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        for (long next = start; next < start + duration.toNanos(); next += interval) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            statuses.add(edge.get("/api/users/me", token).statusCode());
        }
        return statuses;
    }
}
