package dev.meridian.starters.eventintake;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.TopicReader;
import dev.meridian.testkit.UserEventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * The starter against a real broker, with a listener standing in for a service's intake: it fails for the keys in
 * {@link Intake#broken}, finds values starting with {@code poison} unreadable and records everything else it handles.
 */
@SpringBootTest(
        classes = EventIntakeIT.Consumer.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.application.name=event-intake-it",
            "spring.kafka.consumer.group-id=${spring.application.name}",
            "spring.kafka.consumer.auto-offset-reset=earliest",
            "meridian.events.retry.max-attempts=3",
            "meridian.events.retry.initial-interval=100ms",
            "meridian.events.replay.path=/api/test/dead-letters/replay",
            "meridian.events.replay.listener=" + EventIntakeIT.Intake.LISTENER,
            "meridian.events.replay.metric=test.dead_letters.replayed",
            "meridian.events.replay.idle-after=500ms",
            "meridian.events.dead-letters.backlog-interval=200ms"
        })
@RealInfrastructure(KAFKA)
class EventIntakeIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String DEAD_LETTERS = "user-events.event-intake-it.dlt";
    private static final UserEventPublisher PUBLISHER =
            new UserEventPublisher(KafkaBroker.shared().bootstrapServers());

    @LocalServerPort
    int port;

    @Autowired
    Intake intake;

    @Autowired
    ConcurrentMessageListenerContainer<Object, Object> deadLetterReplayContainer;

    @Autowired
    MeterRegistry meters;

    @AfterAll
    static void close() {
        PUBLISHER.close();
    }

    @Test
    void aFailingRecordIsRetriedThenDeadLetteredWithItsOriginalHeaders() {
        String key = UUID.randomUUID().toString();
        intake.broken.add(key);
        PUBLISHER.publish(key, "{\"n\":1}", Map.of("ce_id", "event-1", "ce_type", "test.failing"));

        ConsumerRecord<String, String> letter = deadLetters(key, 1).getFirst();
        assertThat(letter.value()).isEqualTo("{\"n\":1}");
        assertThat(header(letter, "ce_id")).isEqualTo("event-1");
        assertThat(header(letter, "ce_type")).isEqualTo("test.failing");
        assertThat(header(letter, "kafka_dlt-exception-message")).contains("the database is down for " + key);
        assertThat(header(letter, "kafka_dlt-original-topic")).isEqualTo("user-events");
        assertThat(intake.attempts(key)).as("max-attempts").isEqualTo(3);
        assertThat(intake.handled).doesNotContain(key);
    }

    @Test
    void aPoisonRecordGoesStraightToTheDeadLetterTopicAndTheNextRecordOfItsKeyIsHandled() {
        String key = UUID.randomUUID().toString();
        PUBLISHER.publish(key, "poison", Map.of("ce_id", "event-2"));
        PUBLISHER.publish(key, "fine", Map.of("ce_id", "event-3"));

        await().atMost(PATIENCE).until(() -> intake.handled.contains(key));
        ConsumerRecord<String, String> letter = deadLetters(key, 1).getFirst();
        assertThat(letter.value()).isEqualTo("poison");
        assertThat(header(letter, "ce_id")).isEqualTo("event-2");
        assertThat(header(letter, "kafka_dlt-exception-cause-fqcn")).isEqualTo(UnreadableEvent.class.getName());
        assertThat(intake.attempts(key))
                .as("the poison was tried once, the next record once")
                .isEqualTo(2);
    }

    @Test
    void theReplayRedeliversTheDeadLettersThroughTheIntakeExactlyOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        intake.broken.add(key);
        PUBLISHER.publish(key, "{\"n\":4}", Map.of("ce_id", "event-4"));
        deadLetters(key, 1);
        // What the "dead-letter topic not empty" alert reads: letters not replayed yet, until a pass has replayed them.
        await().atMost(PATIENCE).until(() -> deadLettersWaiting() >= 1);
        intake.broken.remove(key);
        double replayedBefore = meters.counter("test.dead_letters.replayed").count();

        HttpResponse<String> started = replay();
        assertThat(started.statusCode()).isEqualTo(202);
        assertThat(started.body()).isEqualTo("{\"replay\":\"started\"}");
        await().atMost(PATIENCE).until(() -> intake.handled.contains(key));
        await().atMost(PATIENCE).until(() -> !deadLetterReplayContainer.isRunning());

        // A second pass starts after the letters replayed before: nothing is handed to the intake twice.
        assertThat(replay().body()).isEqualTo("{\"replay\":\"started\"}");
        await().atMost(PATIENCE).until(() -> !deadLetterReplayContainer.isRunning());
        assertThat(intake.handled).containsOnlyOnce(key);
        assertThat(meters.counter("test.dead_letters.replayed").count()).isGreaterThanOrEqualTo(replayedBefore + 1);
        await().atMost(PATIENCE).until(() -> deadLettersWaiting() == 0);
    }

    private double deadLettersWaiting() {
        return meters.get("meridian.events.dead_letters.waiting")
                .tag("topic", DEAD_LETTERS)
                .gauge()
                .value();
    }

    private HttpResponse<String> replay() throws Exception {
        try (var http = HttpClient.newHttpClient()) {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/test/dead-letters/replay"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static List<ConsumerRecord<String, String>> deadLetters(String key, int count) {
        try (var reader = new TopicReader(KafkaBroker.shared().bootstrapServers(), DEAD_LETTERS)) {
            List<ConsumerRecord<String, String>> letters = reader.readKey(key, count, PATIENCE);
            assertThat(letters).as("dead letters of " + key).hasSize(count);
            return letters;
        }
    }

    /** A service of its own: not scanning this package, which holds the starter's classes too. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Intake.class)
    static class Consumer {

        /** What actuator would give a service, for the replay's counter. */
        @Bean
        MeterRegistry meters() {
            return new SimpleMeterRegistry();
        }
    }

    static class Intake {

        static final String LISTENER = "test-intake";

        final Set<String> broken = ConcurrentHashMap.newKeySet();
        final List<String> handled = new CopyOnWriteArrayList<>();
        private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

        @KafkaListener(id = LISTENER, topics = "user-events")
        void receive(ConsumerRecord<String, String> record) {
            attempts.merge(record.key(), 1, Integer::sum);
            if (record.value().startsWith("poison")) {
                throw new UnreadableEvent("Not an event: " + record.value());
            }
            if (broken.contains(record.key())) {
                throw new IllegalStateException("the database is down for " + record.key());
            }
            handled.add(record.key());
        }

        int attempts(String key) {
            return attempts.getOrDefault(key, 0);
        }
    }
}
