package dev.meridian.starters.eventintake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.listener.AcknowledgingConsumerAwareMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Feeds the dead letters back through the service's intake once their cause is fixed: {@code POST} to
 * {@code meridian.events.replay.path} (the service's security rules say who may) starts a pass over the letters not
 * replayed before, which stops by itself when it has caught up. Each letter goes to the very listener named by
 * {@code meridian.events.replay.listener} (its {@code @KafkaListener} method, as the container calls it), so the
 * intake's idempotency decides what a letter handled before changes: nothing.
 */
@RestController
class DeadLetterReplay {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterReplay.class);

    private final ConcurrentMessageListenerContainer<Object, Object> container;
    private final KafkaListenerEndpointRegistry listeners;
    private final String intake;
    private final Counter replayed;

    DeadLetterReplay(
            ConcurrentMessageListenerContainer<Object, Object> container,
            KafkaListenerEndpointRegistry listeners,
            EventIntakeProperties.Replay settings,
            MeterRegistry meters) {
        this.container = container;
        this.listeners = listeners;
        this.intake = settings.listener();
        this.replayed = Counter.builder(settings.metric()).register(meters);
        container.setupMessageListener((MessageListener<Object, Object>) this::replay);
    }

    @Operation(summary = "Replay the dead-letter topic through the event intake (admin); stops when caught up")
    @PostMapping("${meridian.events.replay.path}")
    ResponseEntity<Map<String, String>> start() {
        if (container.isRunning()) {
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("replay", "already running"));
        }
        container.start();
        log.info("Replaying {}", topic());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("replay", "started"));
    }

    @EventListener
    void caughtUp(ListenerContainerIdleEvent event) {
        if (event.getListenerId().startsWith(container.getListenerId())) {
            // Asynchronous stop: this runs on the consumer thread, which must return for the container to stop.
            container.stop(() -> log.info("Replay of {} caught up and stopped", topic()));
        }
    }

    @SuppressWarnings("unchecked")
    private void replay(ConsumerRecord<Object, Object> record) {
        MessageListenerContainer intakeContainer = listeners.getListenerContainer(intake);
        if (intakeContainer == null) {
            throw new IllegalStateException("No @KafkaListener with id " + intake + " to replay dead letters into");
        }
        switch (intakeContainer.getContainerProperties().getMessageListener()) {
            case AcknowledgingConsumerAwareMessageListener<?, ?> listener ->
                ((AcknowledgingConsumerAwareMessageListener<Object, Object>) listener).onMessage(record, null, null);
            case MessageListener<?, ?> listener -> ((MessageListener<Object, Object>) listener).onMessage(record);
            case Object other ->
                throw new IllegalStateException("Listener " + intake + " is not a record listener: " + other);
        }
        replayed.increment();
    }

    private String topic() {
        return String.join(",", container.getContainerProperties().getTopics());
    }
}
