package dev.meridian.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.testkit.RedisServer;
import dev.meridian.testkit.TokenIssuer;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
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
 * Limits here: 10 requests per second with bursts of 10 per user of a client, per client's own token and per address
 * (one token per Redis call: a lease of 50 ms at that rate is less than one); 30 and 30 for all users of one client;
 * 50 and 50 per address in front of authentication; for the client {@code busy} 2,000 and 2,000 (leases of up to 100
 * tokens), for {@code fleet} 200 and 20 (up to 10). 127.0.0.1 is a trusted proxy, so a test names the client address
 * of a request in {@code X-Forwarded-For}. The JWKS is served by a counting server of this test's own.
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
            "meridian.gateway.rate-limits.clients.fleet.burst-capacity=" + GatewayRateLimitIT.FLEET_BURST,
            "meridian.gateway.rate-limits.tiers.client-users.replenish-rate=" + GatewayRateLimitIT.USERS_RATE,
            "meridian.gateway.rate-limits.tiers.client-users.burst-capacity=" + GatewayRateLimitIT.USERS_RATE,
            "meridian.gateway.rate-limits.tiers.address.replenish-rate=" + GatewayRateLimitIT.ADDRESS_RATE,
            "meridian.gateway.rate-limits.tiers.address.burst-capacity=" + GatewayRateLimitIT.ADDRESS_RATE,
            "meridian.gateway.trusted-proxies=127.0.0.1",
            "meridian.gateway.jwt.jwk-set-min-refresh-interval=" + GatewayRateLimitIT.JWKS_INTERVAL
        })
class GatewayRateLimitIT {

    static final int RATE = 10;
    static final int BURST = 10;
    static final String REDIS_TIMEOUT = "1s";
    static final int BUSY_RATE = 2_000;
    static final int FLEET_RATE = 200;
    static final int FLEET_BURST = 20;
    static final int USERS_RATE = 30;
    static final int ADDRESS_RATE = 50;
    static final String JWKS_INTERVAL = "2s";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final RedisServer REDIS = RedisServer.startEmbedded();
    private static final TokenIssuer ISSUER = TokenIssuer.start(Edge.ISSUER);
    private static final Backend USERS = Backend.start("user-service");
    private static final CountingJwks JWKS = CountingJwks.serving(ISSUER);

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
                "meridian.gateway.jwt.jwk-set-uri", JWKS::uri);
    }

    /**
     * Each test starts from a gateway whose copy of the revocation list is complete and whose Redis answers: right after
     * start-up (or another test's Redis outage) a token newer than the copy's last read is refused with a 503 by
     * design (GatewayRevocationIT), which is not what these tests are about.
     */
    @BeforeEach
    void revocationListRead() {
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> meters.get("meridian.gateway.revocation_list.complete")
                                .gauge()
                                .value()
                        == 1);
    }

    @AfterAll
    static void stop() {
        USERS.close();
        JWKS.close();
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

    /**
     * Two real users of one OAuth client (two subjects, the same {@code azp}) and a user of another client, from the
     * same address: one floods at ten times its limit from another thread, the others get no 429 at all.
     */
    @Test
    void aUserFloodingAtTenTimesItsLimitCausesNo429ForAnotherUserOfTheSameClientNorOfAnotherClient() throws Exception {
        Edge edge = new Edge(port, ISSUER);
        String flooder = edge.userToken("meridian-cli", "alice");
        String sameClient = edge.userToken("meridian-cli", "bob");
        String otherClient = edge.userToken("web", "carol");
        var sameClientStatuses = new ConcurrentLinkedQueue<Integer>();
        var otherClientStatuses = new ConcurrentLinkedQueue<Integer>();
        double flooderLimitedBefore = requests("meridian-cli", "limited");
        double otherAllowedBefore = requests("web", "allowed");
        List<Integer> flooded;

        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var flood = pool.submit(() -> paced(edge, flooder, 10 * RATE, Duration.ofSeconds(3)));
            var calm = pool.submit(
                    () -> sameClientStatuses.addAll(paced(edge, sameClient, RATE / 2, Duration.ofSeconds(3))));
            var other = pool.submit(
                    () -> otherClientStatuses.addAll(paced(edge, otherClient, RATE / 2, Duration.ofSeconds(3))));
            flooded = flood.get();
            calm.get();
            other.get();
            assertThat(flooded).as("the flooder is limited").contains(429);
        }

        assertThat(sameClientStatuses)
                .as("another user of the same client")
                .hasSizeGreaterThan(10)
                .containsOnly(200);
        assertThat(otherClientStatuses)
                .as("a user of another client")
                .hasSizeGreaterThan(10)
                .containsOnly(200);
        // What the 429-per-client alert reads: the refusals are the flooder's client's, none are the other's.
        assertThat(limited("meridian-cli")).isPositive();
        assertThat(limited("web")).isZero();
        // And it divides requests, not bucket decisions (a request takes a decision from each of its buckets).
        assertThat(requests("meridian-cli", "limited") - flooderLimitedBefore)
                .isEqualTo(flooded.stream().filter(status -> status == 429).count());
        assertThat(requests("web", "allowed") - otherAllowedBefore).isEqualTo(otherClientStatuses.size());
    }

    /** Many users of one client flooding together are bounded by the client's cap, not only by their own limits. */
    @Test
    void allUsersOfOneClientTogetherAreBoundedByTheClientsCap() throws Exception {
        Edge edge = new Edge(port, ISSUER);
        int users = 6;
        int seconds = 3;
        List<String> tokens = IntStream.range(0, users)
                .mapToObj(i -> edge.userToken("crowd", "crowd-user-" + i))
                .toList();

        long started = System.nanoTime();
        List<HttpResponse<String>> responses;
        try (var pool = Executors.newFixedThreadPool(users)) {
            var floods = tokens.stream()
                    .map(token -> pool.submit(() -> flood(edge, token, 1, Duration.ofSeconds(seconds))))
                    .toList();
            responses = new ArrayList<>();
            for (var each : floods) {
                responses.addAll(each.get());
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;

        long admitted = responses.stream().filter(r -> r.statusCode() == 200).count();
        assertThat(admitted)
                .as(
                        "%d users of one client over %.2f s: the client's cap (%d/s), not %d users' own limits",
                        users, elapsed, USERS_RATE, users)
                .isBetween((long) USERS_RATE * (seconds - 1), (long) Math.ceil(USERS_RATE * elapsed) + 2L * USERS_RATE);
    }

    /**
     * The gateway cannot check a Basic secret: a flood of token requests with wrong secrets naming a partner's client
     * id, from many addresses, takes nothing from what the partner itself may send from its own.
     */
    @Test
    void aFloodOfJunkBasicCredentialsNamingAPartnerLeavesThePartnersTokenCallsUnlimited() {
        Edge edge = new Edge(port, ISSUER);
        List<Integer> flood = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            flood.add(tokenRequest(edge, "partner", "wrong-" + i, "198.51.100." + (i + 1)));
        }

        List<Integer> partner = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            partner.add(tokenRequest(edge, "partner", "the-real-secret", "192.0.2.10"));
        }

        assertThat(flood).as("the flood was sent (each from its own address)").contains(200);
        assertThat(partner).as("the partner's own calls").containsOnly(200);
    }

    /**
     * Tokens naming made-up keys, from one address: limited per address before authentication (429), while a user
     * with a valid token gets no 429; however many arrive, the JWKS is fetched at most once per interval.
     */
    @Test
    void aFloodOfUnknownKeyTokensFromOneAddressGets429AndFetchesTheJwksAtMostOncePerInterval() throws Exception {
        Edge edge = new Edge(port, ISSUER);
        String calmToken = edge.userToken("web", "calm-user");
        var statuses = new ConcurrentLinkedQueue<Integer>();
        var calmStatuses = new ConcurrentLinkedQueue<Integer>();
        long fetchesBefore = JWKS.fetches();
        int seconds = 3;

        long started = System.nanoTime();
        long end = started + Duration.ofSeconds(seconds).toNanos();
        try (var pool = Executors.newFixedThreadPool(5)) {
            for (int t = 0; t < 4; t++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        String forged = ISSUER.sign(edge.claims("web").build(), "made-up-" + UUID.randomUUID());
                        statuses.add(edge.send(edge.request("/api/users/me", forged)
                                        .header("X-Forwarded-For", "198.51.100.200")
                                        .GET())
                                .statusCode());
                    }
                });
            }
            pool.submit(() -> calmStatuses.addAll(paced(edge, calmToken, RATE / 2, Duration.ofSeconds(seconds))));
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        long fetches = JWKS.fetches() - fetchesBefore;

        assertThat(statuses).as("refused, and limited").containsOnly(401, 429).contains(429);
        assertThat(statuses.stream().filter(status -> status == 401).count())
                .as("checked at most at the address's rate over %.2f s", elapsed)
                .isLessThanOrEqualTo((long) Math.ceil(ADDRESS_RATE * elapsed) + ADDRESS_RATE);
        assertThat(fetches)
                .as("JWKS fetches for %d tokens with unknown keys over %.2f s", statuses.size(), elapsed)
                .isLessThanOrEqualTo(1
                        + (long) (elapsed / Duration.parse("PT" + JWKS_INTERVAL).toSeconds()));
        assertThat(calmStatuses)
                .as("a user with a valid token meanwhile")
                .isNotEmpty()
                .containsOnly(200);
    }

    private static int tokenRequest(Edge edge, String client, String secret, String address) {
        String basic = Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return edge.send(edge.request("/oauth2/token", null)
                        .header("Authorization", "Basic " + basic)
                        .header("X-Forwarded-For", address)
                        .setHeader("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")))
                .statusCode();
    }

    @Test
    void aBusyClientCostsRedisOneCallPerLeaseNotOnePerRequest() {
        Edge edge = new Edge(port, ISSUER);
        String token = edge.clientToken("busy");
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
    void accountRecoveryTakesNoTokenAndIsLimitedPerAddressLikeSignIn() {
        Edge edge = new Edge(port, ISSUER);
        List<Integer> guesses = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            guesses.add(edge.send(edge.request("/api/users/email-verification", null)
                            .setHeader("Content-Type", "application/json")
                            .setHeader("X-Forwarded-For", "198.51.100.77")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    "{\"email\":\"a@example.com\",\"code\":\"" + (100000 + i) + "\"}")))
                    .statusCode());
        }
        int fromElsewhere = edge.send(edge.request("/api/users/password-reset", null)
                        .setHeader("Content-Type", "application/json")
                        .setHeader("X-Forwarded-For", "198.51.100.78")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"email\":\"a@example.com\"}")))
                .statusCode();

        assertThat(guesses.subList(0, 10)).as("no token needed").containsOnly(200);
        assertThat(guesses.subList(12, 15)).as("the login tier per address").containsOnly(429);
        assertThat(fromElsewhere).as("another address keeps its own allowance").isEqualTo(200);
    }

    @Test
    void accountFormsAreLimitedPerAddressLikeSignInWhileTheirPagesAreNot() {
        Edge edge = new Edge(port, ISSUER);
        List<Integer> posts = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            posts.add(edge.send(edge.request("/account/forgot-password", null)
                            .setHeader("Content-Type", "application/x-www-form-urlencoded")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("email=a%40example.com")))
                    .statusCode());
        }
        // Within this test's default tier (bursts of 10), after the forms' bucket is empty.
        List<Integer> pages = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pages.add(edge.get("/account/forgot-password", null).statusCode());
        }

        // The login tier, a bucket of the route's own: bursts of 10, then 2 a second.
        assertThat(posts.subList(0, 10)).containsOnly(200);
        assertThat(posts.subList(12, 15)).containsOnly(429);
        assertThat(pages).as("the pages, in a bucket of their own").containsOnly(200);
    }

    @Test
    void twoGatewayInstancesShareOneBucketPerKey() throws Exception {
        try (ConfigurableApplicationContext second = secondInstance()) {
            int secondPort =
                    ((WebServerApplicationContext) second).getWebServer().getPort();
            Edge first = new Edge(port, ISSUER);
            Edge other = new Edge(secondPort, ISSUER);
            String token = first.token("shared");

            // Both instances flooded at once for 0.4 s: one bucket admits its burst and 0.4 s of its rate, two would
            // admit at least both bursts.
            long started = System.nanoTime();
            Duration floodFor = Duration.ofMillis(400);
            List<HttpResponse<String>> firstAnswers;
            List<HttpResponse<String>> otherAnswers;
            try (var pool = Executors.newFixedThreadPool(2)) {
                var one = pool.submit(() -> flood(first, token, 2, floodFor));
                var two = pool.submit(() -> flood(other, token, 2, floodFor));
                firstAnswers = one.get();
                otherAnswers = two.get();
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            long admittedByFirst =
                    firstAnswers.stream().filter(r -> r.statusCode() == 200).count();
            long admittedBySecond =
                    otherAnswers.stream().filter(r -> r.statusCode() == 200).count();

            assertThat(admittedByFirst).isPositive();
            assertThat(admittedBySecond).isPositive();
            // Each instance was refused too: had each its own bucket, each would have admitted a whole burst first.
            assertThat(firstAnswers).extracting(HttpResponse::statusCode).contains(429);
            assertThat(otherAnswers).extracting(HttpResponse::statusCode).contains(429);
            assertThat(admittedByFirst + admittedBySecond)
                    .as("one bucket of %d plus %d/s over %.2f s, not one per instance", BURST, RATE, elapsed)
                    .isLessThanOrEqualTo((long) (BURST + RATE * elapsed) + 1)
                    .isLessThan(2L * BURST);

            // A client busy enough for leases on both instances: still one bucket, and none of it lost in leases.
            String fleet = first.clientToken("fleet");
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
        // Issued before the gateway last read the revocation list: through the outage the copy judges it (a newer
        // token gets a 503, GatewayRevocationIT).
        String token = ISSUER.sign(edge.claims("through-the-outage")
                .issueTime(java.util.Date.from(java.time.Instant.now().minus(Duration.ofMinutes(5))))
                .build());
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
        // And revocations are checked again, so a new token is served (the other tests need it).
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> edge.get("/api/users/me", edge.token("after-the-outage"))
                                .statusCode()
                        == 200);
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

    private double limited(String client) {
        return meters
                .find("meridian.gateway.rate_limit")
                .tag("outcome", "limited")
                .tag("client", client)
                .counters()
                .stream()
                .mapToDouble(counter -> counter.count())
                .sum();
    }

    private double requests(String client, String outcome) {
        return meters
                .find("meridian.gateway.rate_limit.requests")
                .tag("client", client)
                .tag("outcome", outcome)
                .counters()
                .stream()
                .mapToDouble(counter -> counter.count())
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
                "--meridian.gateway.rate-limits.clients.fleet.burst-capacity=" + FLEET_BURST,
                "--meridian.gateway.rate-limits.tiers.client-users.replenish-rate=" + USERS_RATE,
                "--meridian.gateway.rate-limits.tiers.client-users.burst-capacity=" + USERS_RATE,
                "--meridian.gateway.rate-limits.tiers.address.replenish-rate=" + ADDRESS_RATE,
                "--meridian.gateway.rate-limits.tiers.address.burst-capacity=" + ADDRESS_RATE,
                "--meridian.gateway.trusted-proxies=127.0.0.1",
                "--meridian.gateway.jwt.jwk-set-min-refresh-interval=" + JWKS_INTERVAL));
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
