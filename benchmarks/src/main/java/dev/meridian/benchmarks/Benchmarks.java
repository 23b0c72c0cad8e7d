package dev.meridian.benchmarks;

import dev.meridian.testkit.KafkaProcess;
import dev.meridian.testkit.PostgresServer;
import dev.meridian.testkit.RedisServer;
import dev.meridian.testkit.ServiceProcess;
import dev.meridian.testkit.TokenIssuer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What every benchmark harness does the same way. */
final class Benchmarks {

    private Benchmarks() {}

    /**
     * The service JVM's options: the harness's own, then {@code BENCH_JVM_ARGS} from the environment (e.g. a flight
     * recording: {@code BENCH_JVM_ARGS="-XX:StartFlightRecording=..."}).
     */
    static List<String> jvmOptions(String... options) {
        List<String> all = new ArrayList<>(List.of(options));
        String extra = System.getenv("BENCH_JVM_ARGS");
        if (extra != null && !extra.isBlank()) {
            all.addAll(List.of(extra.strip().split("\\s+")));
        }
        return all;
    }

    /**
     * Runs a harness and ends the JVM either way (the JWKS server and Kafka clients keep non-daemon threads),
     * reporting a failure before exiting with status 1.
     */
    static void runThenExit(Harness harness) {
        int status = 1;
        try {
            harness.run();
            status = 0;
        } catch (Exception | Error e) {
            e.printStackTrace();
        } finally {
            System.exit(status);
        }
    }

    /**
     * user-service from its jar ({@code -Xmx1g}) on {@code port}, on the given database, trusting {@code tokens}, not
     * registering anywhere; answers once it is ready.
     */
    static ServiceProcess startUserService(
            int port,
            PostgresServer postgres,
            String database,
            RedisServer redis,
            KafkaProcess kafka,
            TokenIssuer tokens,
            Path logs)
            throws Exception {
        return startUserService(port, postgres, database, redis, kafka, tokens, logs, Map.of());
    }

    /** As above, with {@code settings} added to its configuration. */
    static ServiceProcess startUserService(
            int port,
            PostgresServer postgres,
            String database,
            RedisServer redis,
            KafkaProcess kafka,
            TokenIssuer tokens,
            Path logs,
            Map<String, Object> settings)
            throws Exception {
        var properties = new java.util.HashMap<String, Object>(settings);
        properties.putAll(Map.of(
                "server.port", port,
                "spring.datasource.url", database,
                "spring.datasource.username", postgres.username(),
                "spring.datasource.password", postgres.password(),
                "spring.data.redis.url", redis.url(),
                "spring.kafka.bootstrap-servers", kafka.bootstrapServers(),
                "spring.security.oauth2.resourceserver.jwt.issuer-uri", tokens.issuer(),
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri", tokens.jwkSetUri(),
                "eureka.client.enabled", false,
                "logging.level.root", "WARN"));
        ServiceProcess service = ServiceProcess.start(
                Path.of(System.getProperty("meridian.root", ".")),
                "user-service",
                jvmOptions("-Xmx1g"),
                properties,
                logs);
        try {
            service.awaitReady(port, Duration.ofMinutes(2));
        } catch (Exception | Error e) {
            service.close();
            throw e;
        }
        return service;
    }

    interface Harness {
        void run() throws Exception;
    }
}
