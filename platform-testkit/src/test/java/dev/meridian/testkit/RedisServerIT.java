package dev.meridian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisServerIT {

    private static RedisServer embedded;

    @BeforeAll
    static void startEmbedded() {
        embedded = RedisServer.startEmbedded();
    }

    @Test
    void embeddedServerIsARealRedis() {
        assertThat(embedded.origin()).isEqualTo(Origin.EMBEDDED);
        assertThat(roundTrip(embedded)).isEqualTo("PONG");
        assertThat(info(embedded)).contains("redis_version:");
    }

    @Test
    void configuredEndpointIsReachedThroughItsUrl() {
        var configured = RedisServer.connectTo(embedded.url());

        assertThat(configured.origin()).isEqualTo(Origin.CONFIGURED);
        assertThat(roundTrip(configured)).isEqualTo("PONG");
    }

    @Test
    void machineServerNamedByTheEnvironmentIsUsedWhenConfigured() {
        assumeTrue(Settings.get(RedisServer.URL_VARIABLE).isPresent(), "MERIDIAN_REDIS_URL not set");

        assertThat(RedisServer.shared().origin()).isEqualTo(Origin.CONFIGURED);
        assertThat(roundTrip(RedisServer.shared())).isEqualTo("PONG");
    }

    @Test
    void unreachableConfiguredServerFailsNamingTheSetting() {
        assertThatThrownBy(() -> RedisServer.connectTo("redis://127.0.0.1:1"))
                .isInstanceOf(InfrastructureUnavailableException.class)
                .hasMessageContaining("MERIDIAN_REDIS_URL")
                .hasMessageContaining("127.0.0.1:1 is not reachable");
    }

    @Test
    void malformedUrlIsRejectedNamingTheSetting() {
        assertThatThrownBy(() -> RedisServer.connectTo("localhost:6379"))
                .isInstanceOf(InfrastructureUnavailableException.class)
                .hasMessageContaining("MERIDIAN_REDIS_URL=localhost:6379 is malformed");
    }

    private static String roundTrip(RedisServer server) {
        RedisClient client = RedisClient.create(server.url());
        try (var connection = client.connect()) {
            connection.sync().set("testkit:probe", "PONG");
            return connection.sync().get("testkit:probe");
        } finally {
            client.shutdown();
        }
    }

    private static String info(RedisServer server) {
        RedisClient client = RedisClient.create(server.url());
        try (var connection = client.connect()) {
            return connection.sync().info("server");
        } finally {
            client.shutdown();
        }
    }
}
