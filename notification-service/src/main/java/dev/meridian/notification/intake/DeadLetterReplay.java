package dev.meridian.notification.intake;

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
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Feeds the dead letters back through the intake once their cause is fixed: {@code POST
 * /api/notifications/dead-letters/replay} (admin) starts a pass over the letters not replayed before (own consumer group),
 * which stops by itself when it has caught up. Mail already sent is not sent again.
 */
@RestController
class DeadLetterReplay {

    static final String LISTENER = "notification-dead-letter-replay";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterReplay.class);

    private final UserEventIntake intake;
    private final KafkaListenerEndpointRegistry listeners;
    private final Counter replayed;

    DeadLetterReplay(UserEventIntake intake, KafkaListenerEndpointRegistry listeners, MeterRegistry meters) {
        this.intake = intake;
        this.listeners = listeners;
        this.replayed = Counter.builder("notification.dead_letters.replayed").register(meters);
    }

    @Operation(summary = "Replay the dead-letter topic through the mail intake (admin); stops when caught up")
    @PostMapping("/api/notifications/dead-letters/replay")
    ResponseEntity<Map<String, String>> start() {
        MessageListenerContainer container = container();
        if (container.isRunning()) {
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("replay", "already running"));
        }
        container.start();
        log.info("Replaying {}", DeadLetters.TOPIC);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("replay", "started"));
    }

    @KafkaListener(
            id = LISTENER,
            topics = DeadLetters.TOPIC,
            groupId = "${spring.application.name}-dead-letter-replay",
            autoStartup = "false",
            containerFactory = DeadLetters.REPLAY_CONTAINER_FACTORY)
    void replay(ConsumerRecord<String, String> record) {
        intake.receive(record);
        replayed.increment();
    }

    @EventListener(condition = "event.listenerId.startsWith('" + LISTENER + "')")
    void caughtUp(ListenerContainerIdleEvent event) {
        // Asynchronous stop: this runs on the consumer thread, which must return for the container to stop.
        container().stop(() -> log.info("Replay of {} caught up and stopped", DeadLetters.TOPIC));
    }

    private MessageListenerContainer container() {
        return listeners.getListenerContainer(LISTENER);
    }
}
