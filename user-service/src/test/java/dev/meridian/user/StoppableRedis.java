package dev.meridian.user;

import dev.meridian.testkit.RedisServer;
import java.time.Duration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A real Redis of one test's own (embedded redis-server) that the test may stop and start again, and a client that
 * gives a command up after 500 ms: for what user-service does while Redis is away. Closed after each test.
 */
public final class StoppableRedis implements AutoCloseable {

    private final RedisServer server = RedisServer.startEmbedded();
    private final LettuceConnectionFactory connections = new LettuceConnectionFactory(
            new RedisStandaloneConfiguration(server.host(), server.port()),
            LettuceClientConfiguration.builder()
                    .commandTimeout(Duration.ofMillis(500))
                    .build());
    private final StringRedisTemplate template = new StringRedisTemplate(connections);

    public StoppableRedis() {
        connections.afterPropertiesSet();
        connections.start();
        template.afterPropertiesSet();
    }

    public LettuceConnectionFactory connections() {
        return connections;
    }

    public StringRedisTemplate template() {
        return template;
    }

    public void stop() {
        server.stop();
    }

    public void start() {
        server.start();
    }

    @Override
    public void close() {
        connections.destroy();
        try {
            server.stop();
        } catch (RuntimeException alreadyStopped) {
            // the test stopped it
        }
    }
}
