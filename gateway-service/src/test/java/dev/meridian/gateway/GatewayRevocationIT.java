package dev.meridian.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.SignedJWT;
import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.testkit.RedisServer;
import dev.meridian.testkit.TokenIssuer;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Access tokens revoked at auth-service are refused at the edge: auth-service's way of listing them (the {@code jti}
 * in one sorted set in Redis, announced on the list's channel) against a Redis of this test's own, which it stops and
 * starts again. The gateway reads the list from its copy in memory.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            "management.server.port=0",
            "meridian.gateway.jwt.revocation-resync-interval=" + GatewayRevocationIT.RESYNC_INTERVAL,
            "meridian.gateway.jwt.revocation-max-staleness=" + GatewayRevocationIT.MAX_STALENESS
        })
class GatewayRevocationIT {

    static final String RESYNC_INTERVAL = "2s";
    static final String MAX_STALENESS = "8s";
    private static final RedisServer REDIS = RedisServer.startEmbedded();
    private static final TokenIssuer ISSUER = TokenIssuer.start(Edge.ISSUER);
    private static final Backend USERS = Backend.start("user-service");
    /** Listed before the gateway started: it never heard the announcement. */
    private static final String LISTED_BEFORE_START = listedBeforeStart();

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", REDIS::url);
        registry.add("spring.cloud.discovery.client.simple.instances.user-service[0].uri", USERS::uri);
        registry.add("meridian.gateway.jwt.issuer", ISSUER::issuer);
        registry.add("meridian.gateway.jwt.jwk-set-uri", ISSUER::jwkSetUri);
    }

    @AfterAll
    static void stop() {
        USERS.close();
    }

    @Test
    void aTokenRevokedWhileTheGatewayRunsIsRefusedWithinASecond() throws Exception {
        Edge edge = new Edge(port, ISSUER);
        String token = edge.token("web");
        assertThat(edge.get("/api/users/me", token).statusCode()).isEqualTo(200);

        list(redis, token, true);
        long listed = System.nanoTime();
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> edge.get("/api/users/me", token).statusCode() == 401);

        assertThat(Duration.ofNanos(System.nanoTime() - listed)).isLessThan(Duration.ofSeconds(1));
        assertThat(edge.get("/api/users/me", edge.token("web")).statusCode())
                .as("other tokens of the client")
                .isEqualTo(200);
    }

    @Test
    void aTokenListedBeforeTheGatewayStartedIsRefusedFromTheCopyOnceItIsComplete() {
        Edge edge = new Edge(port, ISSUER);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> meters.get("meridian.gateway.revocation_list.complete")
                                .gauge()
                                .value()
                        == 1);
        assertThat(meters.get("meridian.gateway.revocation_list.size").gauge().value())
                .isPositive();
        assertThat(edge.get("/api/users/me", LISTED_BEFORE_START).statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenWhoseAnnouncementWasMissedIsRefusedOnceTheListIsReadAgain() throws Exception {
        Edge edge = new Edge(port, ISSUER);
        String token = edge.token("web");

        list(redis, token, false);

        await().atMost(Duration.parse("PT" + RESYNC_INTERVAL).multipliedBy(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> edge.get("/api/users/me", token).statusCode() == 401);
    }

    /**
     * Redis paused, as under load: calls time out (the rate limiter's 50 ms) and requests stop trying Redis, but no
     * connection drops, so no announcement can have been missed. The copy stays complete and a token issued a moment
     * ago is served — before, it was refused with a 503 for as long as Redis was slow.
     */
    @Test
    void aRedisThatAnswersTooSlowlyLeavesTheCopyCompleteAndFreshTokensServed() throws Exception {
        Edge edge = new Edge(port, ISSUER);
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge("meridian.gateway.revocation_list.complete") == 1);
        String fresh = edge.token("web");

        redisCommand("CLIENT", "PAUSE", "2000");
        try {
            await().atMost(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        edge.get("/api/users/me", edge.token("web"));
                        return gauge("meridian.gateway.redis_available") == 0;
                    });

            assertThat(gauge("meridian.gateway.revocation_list.complete")).isEqualTo(1);
            assertThat(edge.get("/api/users/me", fresh).statusCode()).isEqualTo(200);
        } finally {
            redisCommand("CLIENT", "UNPAUSE");
        }
    }

    /**
     * Redis really stopped: for max-staleness after the copy was last current it judges alone — one revoked before
     * the outage stays refused, older and newer tokens not on it are served — then a token it does not hold, which
     * could have been revoked since without the gateway being able to know, is refused with a 503 problem (counted),
     * not let through; the revoked one stays a 401.
     */
    @Test
    void throughARedisOutageTheCopyJudgesAloneForMaxStalenessThenRefuses() throws Exception {
        Edge edge = new Edge(port, ISSUER);
        String revoked = edge.token("web");
        list(redis, revoked, true);
        await().atMost(Duration.ofSeconds(1))
                .until(() -> edge.get("/api/users/me", revoked).statusCode() == 401);
        Instant aWhileAgo = Instant.now().minus(Duration.ofMinutes(5));
        String olderThanTheCopy = ISSUER.sign(
                edge.claims("web").issueTime(java.util.Date.from(aWhileAgo)).build());

        REDIS.stop();
        Instant stopped = Instant.now();
        try {
            // The gateway notices at its next Redis call (here the address limit of an anonymous request).
            await().atMost(Duration.ofSeconds(3))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        edge.get("/livez", null);
                        return meters.get("meridian.gateway.revocation_list.complete")
                                        .gauge()
                                        .value()
                                == 0;
                    });
            double unknownBefore =
                    meters.get("meridian.gateway.revocation_unknown").counter().count();
            String newer = edge.token("web");

            assertThat(edge.get("/api/users/me", revoked).statusCode())
                    .as("revoked before")
                    .isEqualTo(401);
            assertThat(edge.get("/api/users/me", olderThanTheCopy).statusCode())
                    .as("issued before the copy was last current")
                    .isEqualTo(200);
            assertThat(edge.get("/api/users/me", newer).statusCode())
                    .as("issued after it, within max-staleness")
                    .isEqualTo(200);
            assertThat(Duration.between(stopped, Instant.now()))
                    .as("the checks above ran within max-staleness")
                    .isLessThan(Duration.parse("PT" + MAX_STALENESS));

            await().atMost(Duration.parse("PT" + MAX_STALENESS).plusSeconds(5))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> edge.get("/api/users/me", newer).statusCode() == 503);
            var refused = edge.get("/api/users/me", olderThanTheCopy);
            assertThat(refused.statusCode())
                    .as("a copy too old judges no token")
                    .isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertThat(refused.body()).contains("\"status\":503").doesNotContain("Exception");
            assertThat(edge.get("/api/users/me", revoked).statusCode())
                    .as("still refused as revoked")
                    .isEqualTo(401);
            assertThat(meters.get("meridian.gateway.revocation_unknown")
                            .counter()
                            .count())
                    .isGreaterThan(unknownBefore);
        } finally {
            REDIS.start();
        }

        // The restarted Redis is empty: a token revoked now is heard of afresh (once this test's client reconnects).
        String revokedAfter = edge.token("web");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            list(redis, revokedAfter, true);
            return true;
        });
        await().atMost(Duration.parse("PT" + RESYNC_INTERVAL).multipliedBy(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> edge.get("/api/users/me", revokedAfter).statusCode() == 401);
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .alias("new tokens are served again once Redis answers")
                .until(() -> edge.get("/api/users/me", edge.token("web")).statusCode() == 200);
    }

    @Test
    void readingTheListIsOneCommandHoweverManyOtherKeysRedisHolds() {
        Map<String, String> unrelated = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            unrelated.put("meridian:rate-limit:client-" + i + ":tokens", "1");
        }
        redis.opsForValue().multiSet(unrelated);
        redis.execute((RedisCallback<Void>) connection -> {
            connection.serverCommands().resetConfigStats();
            return null;
        });

        await().atMost(Duration.parse("PT" + RESYNC_INTERVAL).multipliedBy(4))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> calls(commandStats(), "cmdstat_zrangebyscore") >= 2);

        assertThat(calls(commandStats(), "cmdstat_scan"))
                .as("the keyspace is never walked")
                .isZero();
        assertThat(calls(commandStats(), "cmdstat_keys")).as("nor listed").isZero();
    }

    private Properties commandStats() {
        return redis.execute((RedisCallback<Properties>)
                connection -> connection.serverCommands().info("commandstats"));
    }

    private static long calls(Properties stats, String command) {
        String line = stats.getProperty(command);
        return line == null ? 0 : Long.parseLong(line.replaceAll("^calls=(\\d+),.*$", "$1"));
    }

    /** As auth-service lists a revoked token: on the list for the token's life and 60 s more; announced, or not. */
    private static void list(StringRedisTemplate redis, String token, boolean announce) throws ParseException {
        var claims = SignedJWT.parse(token).getJWTClaimsSet();
        Instant until =
                RevokedAccessTokens.listedUntil(claims.getExpirationTime().toInstant());
        redis.opsForZSet().add(RevokedAccessTokens.KEY, claims.getJWTID(), until.toEpochMilli());
        if (announce) {
            redis.convertAndSend(
                    RevokedAccessTokens.CHANNEL, new RevokedAccessTokens.Listed(claims.getJWTID(), until).text());
        }
    }

    private static String listedBeforeStart() {
        String token = new Edge(0, ISSUER).token("web");
        onAConnectionOfItsOwn(redis -> {
            try {
                list(redis, token, false);
            } catch (ParseException e) {
                throw new IllegalStateException(e);
            }
        });
        return token;
    }

    /** Redis as another client sees it, on a connection the gateway does not share. */
    private static void onAConnectionOfItsOwn(Consumer<StringRedisTemplate> action) {
        var connection = new LettuceConnectionFactory(REDIS.host(), REDIS.port());
        connection.afterPropertiesSet();
        try {
            action.accept(new StringRedisTemplate(connection));
        } finally {
            connection.destroy();
        }
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    /** A command Spring Data Redis has no method for, sent on a connection of its own (it returns at once). */
    private static void redisCommand(String command, String... arguments) {
        byte[][] args = Arrays.stream(arguments)
                .map(argument -> argument.getBytes(StandardCharsets.US_ASCII))
                .toArray(byte[][]::new);
        onAConnectionOfItsOwn(redis -> redis.execute((RedisCallback<Object>) c -> c.execute(command, args)));
    }
}
