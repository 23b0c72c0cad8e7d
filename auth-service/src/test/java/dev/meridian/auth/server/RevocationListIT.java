package dev.meridian.auth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/** The revocation list's writes against a real Redis of this test's own, stopped and started again. */
class RevocationListIT {

    private static final RedisServer REDIS = RedisServer.startEmbedded();
    private static final LettuceConnectionFactory CONNECTIONS = connections();
    private static final StringRedisTemplate REDIS_CLIENT = new StringRedisTemplate(CONNECTIONS);
    private static final RegisteredClient CLIENT = RegisteredClient.withId("cli")
            .clientId("meridian-cli")
            .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .redirectUri("http://127.0.0.1/callback")
            .build();
    private static final RevocationList.Retry QUICK =
            new RevocationList.Retry(100, Duration.ofMillis(500), Duration.ofMillis(50), Duration.ofMillis(500));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterAll
    static void closeConnections() {
        CONNECTIONS.destroy();
    }

    @Test
    void aRevocationRedisDidNotTakeIsRetriedAndListedOnceRedisIsBack() {
        var list = new RevocationList(new InMemoryOAuth2AuthorizationService(), REDIS_CLIENT, meters, QUICK);
        OAuth2Authorization session = authorization(Instant.now().plusSeconds(900));
        String jti = jti(session);

        REDIS.stop();
        try {
            long started = System.nanoTime();
            list.remove(session);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("the revoking request waits for a failing Redis at most the attempt timeout")
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(list.pending()).isEqualTo(1);
            assertThat(gauge("meridian.auth.revocation_list.pending")).isEqualTo(1);
            // Joins the queue at once rather than trying a Redis known to fail.
            started = System.nanoTime();
            list.remove(authorization(Instant.now().plusSeconds(900)));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(200));
        } finally {
            REDIS.start();
        }

        await().atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .until(() -> REDIS_CLIENT.opsForZSet().score(RevokedAccessTokens.KEY, jti) != null);
        assertThat(REDIS_CLIENT.opsForZSet().score(RevokedAccessTokens.KEY, jti))
                .isEqualTo((double) RevokedAccessTokens.listedUntil(
                                session.getAccessToken().getToken().getExpiresAt())
                        .toEpochMilli());
        await().atMost(Duration.ofSeconds(5)).until(() -> list.pending() == 0);
        assertThat(meters.get("meridian.auth.revocation_list.entries").counter().count())
                .isEqualTo(2);
    }

    @Test
    void anEntryWhoseListedUntilTimePassesWhileItWaitsIsDroppedAndTheOthersStillWritten() {
        var list = new RevocationList(new InMemoryOAuth2AuthorizationService(), REDIS_CLIENT, meters, QUICK);
        // Listed until 60 s past expiry: this one's entry lapses in about a second.
        OAuth2Authorization lapsing = authorization(
                Instant.now().minus(RevokedAccessTokens.KEPT_PAST_EXPIRY).plusSeconds(1));
        OAuth2Authorization current = authorization(Instant.now().plusSeconds(900));

        REDIS.stop();
        try {
            list.remove(lapsing);
            list.remove(current);
            await().pollDelay(Duration.ofMillis(1500)).until(() -> true);
        } finally {
            REDIS.start();
        }

        await().atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .until(() -> REDIS_CLIENT.opsForZSet().score(RevokedAccessTokens.KEY, jti(current)) != null);
        assertThat(REDIS_CLIENT.opsForZSet().score(RevokedAccessTokens.KEY, jti(lapsing)))
                .isNull();
        assertThat(meters.get("meridian.auth.revocation_list.dropped")
                        .tag("reason", "expired")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aFullQueueDropsItsOldestEntryAndCountsIt() {
        var small = new RevocationList.Retry(2, Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofMillis(500));
        var list = new RevocationList(new InMemoryOAuth2AuthorizationService(), REDIS_CLIENT, meters, small);
        var oldest = authorization(Instant.now().plusSeconds(900));
        var second = authorization(Instant.now().plusSeconds(900));
        var newest = authorization(Instant.now().plusSeconds(900));

        REDIS.stop();
        try {
            list.remove(oldest);
            list.remove(second);
            list.remove(newest);
            assertThat(list.pending()).isEqualTo(2);
            // Past the client's command timeout, so no attempt that gave up is still queued in the client.
            await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        } finally {
            REDIS.start();
        }

        await().atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .until(() -> REDIS_CLIENT.opsForZSet().score(RevokedAccessTokens.KEY, jti(newest)) != null);
        assertThat(REDIS_CLIENT.opsForZSet().score(RevokedAccessTokens.KEY, jti(second)))
                .isNotNull();
        assertThat(REDIS_CLIENT.opsForZSet().score(RevokedAccessTokens.KEY, jti(oldest)))
                .isNull();
        assertThat(meters.get("meridian.auth.revocation_list.dropped")
                        .tag("reason", "overflow")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private static String jti(OAuth2Authorization authorization) {
        return authorization.getAccessToken().getClaims().get("jti").toString();
    }

    private static OAuth2Authorization authorization(Instant expiresAt) {
        var token = new OAuth2AccessToken(
                OAuth2AccessToken.TokenType.BEARER,
                "token-" + UUID.randomUUID(),
                expiresAt.minusSeconds(900),
                expiresAt);
        return OAuth2Authorization.withRegisteredClient(CLIENT)
                .id(UUID.randomUUID().toString())
                .principalName("ada")
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .token(
                        token,
                        metadata -> metadata.put(
                                OAuth2Authorization.Token.CLAIMS_METADATA_NAME,
                                Map.of("jti", UUID.randomUUID().toString())))
                .build();
    }

    private static LettuceConnectionFactory connections() {
        var factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(REDIS.host(), REDIS.port()),
                LettuceClientConfiguration.builder()
                        .commandTimeout(Duration.ofMillis(500))
                        .build());
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
