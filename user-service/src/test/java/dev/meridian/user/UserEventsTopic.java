package dev.meridian.user;

import dev.meridian.events.UserEvents;
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
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the {@code user-events} topic as any consumer would: from the start, in a group of its own. */
final class UserEventsTopic implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> received = new ArrayList<>();

    UserEventsTopic(String bootstrapServers) {
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
        consumer.subscribe(List.of(UserEvents.TOPIC));
    }

    /** Polls until {@code done} holds for what has been received, or the time is up; answers all received. */
    List<ConsumerRecord<String, String>> readUntil(
            Predicate<List<ConsumerRecord<String, String>>> done, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.test(received) && Instant.now().isBefore(deadline)) {
            consumer.poll(Duration.ofMillis(250)).forEach(received::add);
        }
        return List.copyOf(received);
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
