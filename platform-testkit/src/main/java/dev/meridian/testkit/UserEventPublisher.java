package dev.meridian.testkit;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserEvents;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes user events on {@link UserEvents#TOPIC} as user-service does (CloudEvents binary mode, keyed by user
 * id), and anything else a misbehaving publisher might send, so that consumers can be tested without user-service.
 */
public final class UserEventPublisher implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final JsonMapper json = JsonMapper.builder().build();

    public UserEventPublisher(String bootstrapServers) {
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        0),
                new StringSerializer(),
                new StringSerializer());
    }

    /** Sends the event and waits until Kafka has it. */
    public void publish(UserEvent event) {
        publish(event.userId().toString(), json.writeValueAsString(event), headers(event));
    }

    /** Sends the events without waiting for each (as fast as the producer batches), then waits until Kafka has all. */
    public void publishAll(Iterable<? extends UserEvent> events) {
        for (UserEvent event : events) {
            producer.send(record(event.userId().toString(), json.writeValueAsString(event), headers(event)));
        }
        producer.flush();
    }

    /** The CloudEvents headers user-service puts on the event, for tests that send altered copies. */
    public static Map<String, String> headers(UserEvent event) {
        return CloudEventHeaders.of(event, UserEvents.SOURCE);
    }

    /** Sends exactly this record and waits until Kafka has it. */
    public void publish(String key, String value, Map<String, String> headers) {
        var record = new ProducerRecord<>(UserEvents.TOPIC, key, value);
        headers.forEach(
                (name, text) -> record.headers().add(new RecordHeader(name, text.getBytes(StandardCharsets.UTF_8))));
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka did not take the record", e.getCause());
        }
    }

    private static ProducerRecord<String, String> record(String key, String value, Map<String, String> headers) {
        var record = new ProducerRecord<>(UserEvents.TOPIC, key, value);
        headers.forEach(
                (name, text) -> record.headers().add(new RecordHeader(name, text.getBytes(StandardCharsets.UTF_8))));
        return record;
    }

    @Override
    public void close() {
        producer.close();
    }
}
