package dev.meridian.testkit;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * A real Redis server, one per JVM: {@code MERIDIAN_REDIS_URL} ({@code redis://host:port}), else a
 * Testcontainers container, else the real {@code redis-server} binary that embedded-redis ships.
 */
public final class RedisServer {

    public static final String URL_VARIABLE = "MERIDIAN_REDIS_URL";

    private static final Logger log = LoggerFactory.getLogger(RedisServer.class);
    private static final int REDIS_PORT = 6379;
    private static RedisServer shared;

    private final String host;
    private final int port;
    private final Origin origin;
    private final redis.embedded.RedisServer embedded;

    private RedisServer(String host, int port, Origin origin, redis.embedded.RedisServer embedded) {
        this.host = host;
        this.port = port;
        this.origin = origin;
        this.embedded = embedded;
    }

    /** The JVM's server, resolved and started on first use. */
    public static synchronized RedisServer shared() {
        if (shared == null) {
            shared = Settings.get(URL_VARIABLE)
                    .map(RedisServer::connectTo)
                    .orElseGet(() -> Docker.available() ? startContainer() : startEmbedded());
            log.info("Redis ({}) at {}", shared.origin, shared.url());
        }
        return shared;
    }

    /** A server somebody else runs; fails at once, naming the URL, when it is malformed or does not answer. */
    public static RedisServer connectTo(String url) {
        var address = Endpoints.parse(URL_VARIABLE, url, "redis", REDIS_PORT);
        String reply = Endpoints.firstLine(
                "Redis (" + URL_VARIABLE + ")", address.host(), address.port(), Endpoints.ascii("PING\r\n"));
        // Any RESP reply ("+PONG", or "-NOAUTH" from a password-protected server) proves a Redis answers.
        if (!reply.startsWith("+") && !reply.startsWith("-")) {
            throw new InfrastructureUnavailableException(
                    URL_VARIABLE + "=" + url + " answered like no Redis server: " + reply);
        }
        return new RedisServer(address.host(), address.port(), Origin.CONFIGURED, null);
    }

    public static RedisServer startEmbedded() {
        int port = Endpoints.freePort();
        try {
            var server = redis.embedded.RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server), "embedded-redis-stop"));
            return new RedisServer("127.0.0.1", port, Origin.EMBEDDED, server);
        } catch (IOException | RuntimeException e) {
            throw new InfrastructureUnavailableException("Embedded Redis did not start on port " + port, e);
        }
    }

    private static RedisServer startContainer() {
        var container = new GenericContainer<>("redis:7-alpine").withExposedPorts(REDIS_PORT);
        container.start();
        return new RedisServer(container.getHost(), container.getMappedPort(REDIS_PORT), Origin.CONTAINER, null);
    }

    private static void stop(redis.embedded.RedisServer server) {
        try {
            server.stop();
        } catch (IOException e) {
            log.warn("Embedded Redis did not stop cleanly", e);
        }
    }

    public String url() {
        return "redis://" + host + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Origin origin() {
        return origin;
    }

    /** Stops an embedded server started by {@link #startEmbedded()} (tests of what happens without Redis). */
    public void stop() {
        if (embedded == null) {
            throw new IllegalStateException("Only an embedded Redis can be stopped by the testkit");
        }
        stop(embedded);
    }

    /** Starts a stopped embedded server again, at the same address and empty. */
    public void start() {
        if (embedded == null) {
            throw new IllegalStateException("Only an embedded Redis can be started by the testkit");
        }
        try {
            embedded.start();
        } catch (IOException e) {
            throw new InfrastructureUnavailableException("Embedded Redis did not start again on port " + port, e);
        }
    }
}
