package dev.meridian.starters.accesstoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.testkit.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.jwt.Jwt;

/** The starter against a real Redis of this test's own, which it stops and starts again. */
class RevocationListIT {

    private static final RedisServer REDIS = RedisServer.startEmbedded();
    private static final LettuceConnectionFactory CONNECTIONS = connections();
    private static final StringRedisTemplate AUTH_SERVICE = new StringRedisTemplate(CONNECTIONS);

    private final WebApplicationContextRunner resourceServer = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataRedisAutoConfiguration.class,
                    AccessTokenTypeAutoConfiguration.class,
                    RevocationListAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues(
                    "spring.data.redis.url=" + REDIS.url(),
                    "spring.data.redis.timeout=500ms",
                    "meridian.revocation-list.resync-interval=1s",
                    "meridian.revocation-list.retry-interval=100ms",
                    "meridian.revocation-list.read-timeout=500ms");

    @AfterAll
    static void closeConnections() {
        CONNECTIONS.destroy();
    }

    @Test
    void aTokenListedAndAnnouncedTheWayAuthServiceDoesIsRefusedWithinASecond() {
        resourceServer.run(context -> {
            awaitComplete(context);
            Jwt token = token(Instant.now().minusSeconds(5));
            assertThat(validator(context).validate(token).hasErrors()).isFalse();

            list(token.getId());

            await().atMost(Duration.ofSeconds(1))
                    .until(() -> validator(context).validate(token).hasErrors());
            assertThat(validator(context).validate(token).getErrors())
                    .singleElement()
                    .satisfies(error -> {
                        assertThat(error.getErrorCode()).isEqualTo("invalid_token");
                        assertThat(error.getDescription()).isEqualTo("The token has been revoked");
                    });
        });
    }

    @Test
    void aContextStoppedAndStartedAgainKeepsItsCopyCurrent() {
        resourceServer.run(context -> {
            awaitComplete(context);
            context.stop();
            assertThat(context.getBean(RevocationList.class).complete()).isFalse();
            context.start();
            awaitComplete(context);

            Jwt token = token(Instant.now().minusSeconds(5));
            list(token.getId());
            await().atMost(Duration.ofSeconds(1))
                    .until(() -> validator(context).validate(token).hasErrors());
        });
    }

    @Test
    void anEntryListedBeforeTheServiceStartedIsRefusedFromTheFirstRequest() {
        Jwt token = token(Instant.now().minusSeconds(5));
        AUTH_SERVICE
                .opsForZSet()
                .add(
                        RevokedAccessTokens.KEY,
                        token.getId(),
                        Instant.now().plusSeconds(900).toEpochMilli());

        resourceServer.run(context -> {
            assertThat(validator(context).validate(token).hasErrors()).isTrue();
            awaitComplete(context);
            assertThat(validator(context).validate(token).hasErrors()).isTrue();
        });
    }

    @Test
    void beforeTheFirstCompleteCopyEachTokenIsLookedUpInRedis() {
        var settings = new RevocationListProperties(
                true,
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofMillis(500),
                Duration.ofSeconds(2),
                Duration.ofSeconds(60));
        var copy = new RevocationList(Clock.systemUTC(), new SimpleMeterRegistry());
        var notStarted = new RedisRevocationListSync(CONNECTIONS, copy, settings, Clock.systemUTC());
        var validator = new RevocationListValidator(copy, notStarted);
        Jwt revoked = token(Instant.now().minusSeconds(5));
        Jwt valid = token(Instant.now().minusSeconds(5));
        AUTH_SERVICE
                .opsForZSet()
                .add(
                        RevokedAccessTokens.KEY,
                        revoked.getId(),
                        Instant.now().plusSeconds(900).toEpochMilli());

        assertThat(copy.complete()).isFalse();
        assertThat(validator.validate(revoked).hasErrors()).isTrue();
        assertThat(validator.validate(valid).hasErrors()).isFalse();
    }

    @Test
    void whileRedisIsDownTheCopyJudgesAloneForMaxStalenessThenRefusesAndAfterRedisReturnsTheListIsHeardAgain() {
        resourceServer
                .withPropertyValues("meridian.revocation-list.max-staleness=3s")
                .run(context -> {
                    awaitComplete(context);
                    Jwt listedBefore = token(Instant.now().minusSeconds(60));
                    list(listedBefore.getId());
                    await().atMost(Duration.ofSeconds(1))
                            .until(() ->
                                    validator(context).validate(listedBefore).hasErrors());
                    Jwt older = token(Instant.now().minusSeconds(60));

                    REDIS.stop();
                    try {
                        await().atMost(Duration.ofSeconds(5))
                                .until(() ->
                                        !context.getBean(RevocationList.class).complete());
                        Jwt newer = token(Instant.now());

                        assertThat(validator(context).validate(newer).hasErrors())
                                .as("issued after the copy was last complete, within max-staleness")
                                .isFalse();
                        assertThat(validator(context).validate(older).hasErrors())
                                .isFalse();
                        assertThat(validator(context).validate(listedBefore).hasErrors())
                                .isTrue();
                        MeterRegistry meters = context.getBean(MeterRegistry.class);
                        assertThat(meters.get("meridian.revocation_list.unknown")
                                        .tag("decision", "admitted")
                                        .counter()
                                        .count())
                                .isGreaterThanOrEqualTo(2);

                        await().atMost(Duration.ofSeconds(8))
                                .pollInterval(Duration.ofMillis(200))
                                .until(() -> validator(context).validate(older).hasErrors());
                        assertThat(validator(context).validate(newer).getErrors())
                                .singleElement()
                                .satisfies(error -> assertThat(error.getDescription())
                                        .isEqualTo("Whether the token has been revoked cannot be checked now"));
                        assertThat(meters.get("meridian.revocation_list.unknown")
                                        .tag("decision", "refused")
                                        .counter()
                                        .count())
                                .isGreaterThanOrEqualTo(1);
                        assertThat(meters.get("meridian.revocation_list.staleness_seconds")
                                        .gauge()
                                        .value())
                                .isGreaterThan(3);
                    } finally {
                        REDIS.start();
                    }

                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> context.getBean(RevocationList.class).complete());
                    Jwt revokedAfter = token(Instant.now().minusSeconds(5));
                    assertThat(validator(context).validate(revokedAfter).hasErrors())
                            .isFalse();
                    list(revokedAfter.getId());
                    await().atMost(Duration.ofSeconds(1))
                            .until(() ->
                                    validator(context).validate(revokedAfter).hasErrors());
                    assertThat(validator(context).validate(listedBefore).hasErrors())
                            .as("kept in the copy although the Redis that came back is empty")
                            .isTrue();
                });
    }

    /** What auth-service does for a revoked token: list it in the sorted set, then announce it. */
    private static void list(String jti) {
        Instant until = Instant.now().plusSeconds(900);
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .untilAsserted(() -> AUTH_SERVICE.opsForZSet().add(RevokedAccessTokens.KEY, jti, until.toEpochMilli()));
        AUTH_SERVICE.convertAndSend(RevokedAccessTokens.CHANNEL, new RevokedAccessTokens.Listed(jti, until).text());
    }

    private static void awaitComplete(AssertableWebApplicationContext context) {
        assertThat(context).hasNotFailed();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> context.getBean(RevocationList.class).complete());
    }

    private static RevocationListValidator validator(AssertableWebApplicationContext context) {
        return context.getBean(RevocationListValidator.class);
    }

    private static Jwt token(Instant issuedAt) {
        return Jwt.withTokenValue("token")
                .header("alg", "RS256")
                .header("typ", "at+jwt")
                .jti(UUID.randomUUID().toString())
                .issuedAt(issuedAt)
                .expiresAt(issuedAt.plusSeconds(900))
                .subject("someone")
                .build();
    }

    private static LettuceConnectionFactory connections() {
        var factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(REDIS.host(), REDIS.port()),
                LettuceClientConfiguration.builder()
                        .commandTimeout(Duration.ofSeconds(1))
                        .build());
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
