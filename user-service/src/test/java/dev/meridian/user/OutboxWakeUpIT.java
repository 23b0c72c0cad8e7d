package dev.meridian.user;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static dev.meridian.testkit.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.meridian.events.UserEvents;
import dev.meridian.testkit.ApiClient;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The relay's after-commit wake-up, on its own: the poll runs once at start and then not for an hour, so an event
 * that reaches Kafka at all was sent because its transaction committed. (Each test context has a database of its
 * own, so no other context's relay sends it either.)
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"eureka.client.enabled=false", "meridian.outbox.poll-interval=1h"})
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class OutboxWakeUpIT {

    /** From the answer to the sign-up to the event on the topic: a virtual thread, one query, one send. */
    private static final Duration AT_ONCE = Duration.ofMillis(300);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void tokens(DynamicPropertyRegistry registry) {
        AccessTokens.register(registry);
    }

    @Test
    void withKafkaUpAnEventArrivesAtOnceAfterItsCommitCarryingTheRequestsTraceContext() {
        var api = new ApiClient("http://localhost:" + port);
        try (var topic = new TopicReader(KafkaBroker.shared().bootstrapServers(), UserEvents.TOPIC)) {
            // The first send of the JVM waits for the producer's connection and metadata: not what is measured here.
            String warmUp = signUp(api, "Warm-up");
            topic.readUntil(r -> r.stream().anyMatch(e -> e.key().equals(warmUp)), Duration.ofSeconds(30));

            String id = signUp(api, "Traced");
            Instant answered = Instant.now();
            ConsumerRecord<String, String> event =
                    topic.readUntil(r -> r.stream().anyMatch(e -> e.key().equals(id)), Duration.ofSeconds(30)).stream()
                            .filter(r -> r.key().equals(id))
                            .findFirst()
                            .orElseThrow(
                                    () -> new AssertionError("no event of " + id + ": the relay was not woken up"));

            Duration took = Duration.ofMillis(event.timestamp() - answered.toEpochMilli());
            System.out.printf("Sign-up answered to event on the topic: %d ms%n", took.toMillis());
            assertThat(took).as("the commit woke the relay up").isLessThan(AT_ONCE);
            assertThat(header(event, "traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        }
    }

    private static String signUp(ApiClient api, String name) {
        var created =
                api.post("/api/users", AccessTokens.admin(UUID.randomUUID()), """
                {"email": "%s@example.com", "name": "%s", "password": "correct horse battery"}""".formatted(UUID.randomUUID(), name));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JsonPath.read(created.body(), "$.id");
    }
}
