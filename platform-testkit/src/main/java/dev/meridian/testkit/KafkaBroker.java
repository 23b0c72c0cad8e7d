package dev.meridian.testkit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Apache Kafka broker in KRaft mode, one per JVM: {@code MERIDIAN_KAFKA_BOOTSTRAP} ({@code host:port[,...]}),
 * else a Testcontainers container, else Kafka's own broker and controller running inside this JVM.
 */
public final class KafkaBroker {

    public static final String BOOTSTRAP_VARIABLE = "MERIDIAN_KAFKA_BOOTSTRAP";

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static KafkaBroker shared;

    private final String bootstrapServers;
    private final Origin origin;

    private KafkaBroker(String bootstrapServers, Origin origin) {
        this.bootstrapServers = bootstrapServers;
        this.origin = origin;
    }

    /** The JVM's broker, resolved and started on first use. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            shared = Settings.get(BOOTSTRAP_VARIABLE)
                    .map(KafkaBroker::connectTo)
                    .orElseGet(() -> Docker.available() ? startContainer() : startEmbedded());
            log.info("Kafka ({}) at {}", shared.origin, shared.bootstrapServers);
        }
        return shared;
    }

    /** A broker somebody else runs; fails within seconds, naming the address, when it does not answer. */
    public static KafkaBroker connectTo(String bootstrapServers) {
        for (String server : bootstrapServers.split(",")) {
            if (!server.strip().matches("[^:/\\s]+:\\d{1,5}")) {
                throw new InfrastructureUnavailableException(BOOTSTRAP_VARIABLE + "=" + bootstrapServers
                        + " is malformed: expected host:port[,host:port...]");
            }
        }
        int timeout = (int) PROBE_TIMEOUT.toMillis();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout))) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeout))
                    .clusterId()
                    .get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new KafkaBroker(bootstrapServers, Origin.CONFIGURED);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new InfrastructureUnavailableException(
                    "Kafka at " + bootstrapServers + " (" + BOOTSTRAP_VARIABLE + ") is not reachable", e);
        }
    }

    /** Kafka's own KRaft broker (combined broker and controller) inside this JVM, on a free port. */
    public static KafkaBroker startEmbedded() {
        var broker = new EmbeddedKafkaKraftBroker(1, 3)
                .brokerProperties(Map.of(
                        "auto.create.topics.enable", "true",
                        "group.initial.rebalance.delay.ms", "0",
                        "offsets.topic.num.partitions", "5",
                        "transaction.state.log.replication.factor", "1",
                        "transaction.state.log.min.isr", "1"));
        try {
            broker.afterPropertiesSet();
        } catch (RuntimeException e) {
            throw new InfrastructureUnavailableException("Embedded Kafka did not start", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "embedded-kafka-stop"));
        return new KafkaBroker(broker.getBrokersAsString(), Origin.EMBEDDED);
    }

    private static KafkaBroker startContainer() {
        var container = new KafkaContainer("apache/kafka-native:4.1.2");
        container.start();
        return new KafkaBroker(container.getBootstrapServers(), Origin.CONTAINER);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Origin origin() {
        return origin;
    }
}
