package dev.meridian.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) as its own process, on a fixed port, with its data
 * in a folder that outlives it. Unlike the in-JVM broker it can be stopped and started again at the same address
 * with its topics intact: what a test of "Kafka is down, then comes back" needs, and what a local run uses.
 */
public final class KafkaProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final int port;
    private final Path dataFolder;
    private final Path config;
    private Process process;

    private KafkaProcess(int port, Path dataFolder, Path config) {
        this.port = port;
        this.dataFolder = dataFolder;
        this.config = config;
    }

    /** Formats a new data folder and starts a broker on a free local port. */
    public static KafkaProcess startOnFreePort() {
        return start(Endpoints.freePort());
    }

    /** Formats a new data folder and starts a broker listening on {@code 127.0.0.1:port}. */
    public static KafkaProcess start(int port) {
        try {
            Path dataFolder = Files.createTempDirectory("meridian-kafka-");
            Path config = dataFolder.resolve("server.properties");
            int controllerPort = Endpoints.freePort();
            Files.writeString(config, """
                    process.roles=broker,controller
                    node.id=1
                    controller.quorum.voters=1@127.0.0.1:%2$d
                    listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                    advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                    controller.listener.names=CONTROLLER
                    inter.broker.listener.name=PLAINTEXT
                    listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                    log.dirs=%3$s
                    num.partitions=3
                    auto.create.topics.enable=true
                    offsets.topic.replication.factor=1
                    offsets.topic.num.partitions=5
                    transaction.state.log.replication.factor=1
                    transaction.state.log.min.isr=1
                    share.coordinator.state.topic.replication.factor=1
                    share.coordinator.state.topic.min.isr=1
                    group.initial.rebalance.delay.ms=0
                    """.formatted(port, controllerPort, dataFolder.resolve("logs")));
            run(List.of(
                    "kafka.tools.StorageTool",
                    "format",
                    "--cluster-id",
                    Uuid.randomUuid().toString(),
                    "--config",
                    config.toString()));
            var kafka = new KafkaProcess(port, dataFolder, config);
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "kafka-process-stop"));
            kafka.start();
            return kafka;
        } catch (IOException e) {
            throw new InfrastructureUnavailableException("Kafka process could not be prepared", e);
        }
    }

    /** Starts the broker again after {@link #stop()}, with the same data and address. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            process = command(List.of("kafka.Kafka", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dataFolder.resolve("server.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new InfrastructureUnavailableException("Kafka process did not start", e);
        }
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            try {
                KafkaBroker.connectTo(bootstrapServers());
                return;
            } catch (InfrastructureUnavailableException notYet) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new InfrastructureUnavailableException("Kafka process on port " + port
                            + " did not come up; see " + dataFolder.resolve("server.log"));
                }
            }
        }
    }

    /** Stops the broker the way an orchestrator does (SIGTERM), waiting until it has gone. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /**
     * Kills the broker as a crash or the OOM killer would ({@code kill -9}): no controlled shutdown, no flushed logs.
     * {@link #start()} brings it back at the same address, recovering its data folder.
     */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
    }

    private static void run(List<String> arguments) throws IOException {
        Process tool = command(arguments).redirectErrorStream(true).start();
        try {
            String output = new String(tool.getInputStream().readAllBytes());
            if (tool.waitFor() != 0) {
                throw new InfrastructureUnavailableException("Kafka storage format failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureUnavailableException("Interrupted while formatting Kafka storage", e);
        }
    }

    /** Kafka's own main classes, from this JVM's class path (the testkit depends on the Kafka server jars). */
    private static ProcessBuilder command(List<String> arguments) {
        String java = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<>(
                List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        command.addAll(arguments);
        return new ProcessBuilder(command);
    }
}
