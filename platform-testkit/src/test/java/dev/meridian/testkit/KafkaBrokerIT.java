package dev.meridian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaBrokerIT {

    private static KafkaBroker embedded;

    @BeforeAll
    static void startEmbedded() {
        embedded = KafkaBroker.startEmbedded();
    }

    @Test
    void embeddedKraftBrokerDeliversWhatIsProduced() throws Exception {
        assertThat(embedded.origin()).isEqualTo(Origin.EMBEDDED);
        assertThat(produceAndConsume(embedded.bootstrapServers())).isTrue();
    }

    @Test
    void configuredBrokerIsReachedThroughItsBootstrapAddress() throws Exception {
        var configured = KafkaBroker.connectTo(embedded.bootstrapServers());

        assertThat(configured.origin()).isEqualTo(Origin.CONFIGURED);
        assertThat(produceAndConsume(configured.bootstrapServers())).isTrue();
    }

    @Test
    void processBrokerComesBackOnTheSameAddressWithItsTopicsAfterAStop() throws Exception {
        try (var kafka = KafkaProcess.startOnFreePort()) {
            String topic = "restart-" + UUID.randomUUID();
            produce(kafka.bootstrapServers(), topic, "before");

            kafka.stop();
            assertThatThrownBy(() -> KafkaBroker.connectTo(kafka.bootstrapServers()))
                    .isInstanceOf(InfrastructureUnavailableException.class);
            kafka.start();
            produce(kafka.bootstrapServers(), topic, "after");

            assertThat(consume(kafka.bootstrapServers(), topic, 2)).containsExactly("before", "after");
        }
    }

    @Test
    void unreachableConfiguredBrokerFailsWithinSecondsNamingIt() {
        Instant start = Instant.now();

        assertThatThrownBy(() -> KafkaBroker.connectTo("127.0.0.1:1"))
                .isInstanceOf(InfrastructureUnavailableException.class)
                .hasMessageContaining("Kafka at 127.0.0.1:1 (MERIDIAN_KAFKA_BOOTSTRAP) is not reachable");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void malformedBootstrapAddressIsRejectedNamingTheSetting() {
        assertThatThrownBy(() -> KafkaBroker.connectTo("kafka://broker"))
                .isInstanceOf(InfrastructureUnavailableException.class)
                .hasMessageContaining("MERIDIAN_KAFKA_BOOTSTRAP=kafka://broker is malformed");
    }

    private static boolean produceAndConsume(String bootstrapServers) throws Exception {
        String topic = "testkit-" + UUID.randomUUID();
        String value = UUID.randomUUID().toString();
        produce(bootstrapServers, topic, value);
        return consume(bootstrapServers, topic, 1).equals(List.of(value));
    }

    private static void produce(String bootstrapServers, String topic, String value) throws Exception {
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "key", value)).get();
        }
    }

    private static List<String> consume(String bootstrapServers, String topic, int count) {
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "testkit-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> received = new ArrayList<>();
            Instant deadline = Instant.now().plusSeconds(30);
            while (received.size() < count && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    received.add(record.value());
                }
            }
            return received;
        }
    }
}
