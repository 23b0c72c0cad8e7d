package dev.meridian.auth.sessions;

import dev.meridian.events.UserEvents;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/**
 * An event whose sessions could not be ended is retried with exponential back-off ({@link EventRetry}), then
 * published to auth-service's dead-letter topic (keyed as before, the cause in the {@code kafka_dlt-exception-*}
 * headers) and logged at ERROR, so the partition moves on. Unreadable records skip the retries. Until a dead-lettered
 * deactivation is replayed, the user's refresh tokens still fail, because every refresh asks user-service
 * ({@code login/CurrentRoles}); only access tokens already issued live out their 15 minutes.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EventRetry.class)
class IntakeFailures {

    static final String DEAD_LETTERS = UserEvents.TOPIC + ".auth-service.dlt";

    private static final Logger log = LoggerFactory.getLogger(IntakeFailures.class);

    @Bean
    NewTopic deadLetterTopic() {
        return TopicBuilder.name(DEAD_LETTERS).partitions(3).build();
    }

    /** Picked up by Spring Boot for the default listener container factory, so for {@link UserEventIntake}. */
    @Bean
    DefaultErrorHandler retryThenDeadLetter(KafkaOperations<?, ?> kafka, EventRetry retry) {
        // Partition -1: the producer partitions by key, so one user's dead letters stay in order too.
        var deadLetters = new DeadLetterPublishingRecoverer(kafka, (record, e) -> new TopicPartition(DEAD_LETTERS, -1));
        var backOff = new ExponentialBackOffWithMaxRetries(retry.maxAttempts() - 1);
        backOff.setInitialInterval(retry.initialInterval().toMillis());
        backOff.setMultiplier(retry.multiplier());
        backOff.setMaxInterval(retry.maxInterval().toMillis());
        var handler = new DefaultErrorHandler(
                (record, e) -> {
                    log.error(
                            "User event {}-{}@{} (key {}) could not be applied to the user's sessions and goes to {}",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            record.key(),
                            DEAD_LETTERS,
                            e);
                    deadLetters.accept(record, e);
                },
                backOff);
        handler.addNotRetryableExceptions(UnreadableEvent.class);
        return handler;
    }
}
