package dev.meridian.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic as any new consumer would: from the start, in a consumer group of its own. */
public final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> received = new ArrayList<>();

    public TopicReader(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new StringDeserializer(),
                new StringDeserializer());
        consumer.subscribe(List.of(topic));
    }

    /** Polls until {@code done} holds for all received so far, or the time is up; answers all received. */
    public List<ConsumerRecord<String, String>> readUntil(
            Predicate<List<ConsumerRecord<String, String>>> done, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.test(received) && Instant.now().isBefore(deadline)) {
            consumer.poll(Duration.ofMillis(200)).forEach(received::add);
        }
        return List.copyOf(received);
    }

    /** The records with this key, once there are at least {@code count} of them or the time is up. */
    public List<ConsumerRecord<String, String>> readKey(String key, int count, Duration timeout) {
        Predicate<ConsumerRecord<String, String>> withKey = record -> key.equals(record.key());
        return readUntil(all -> all.stream().filter(withKey).count() >= count, timeout).stream()
                .filter(withKey)
                .toList();
    }

    /** A header's value as text, or null when the record has no such header. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
