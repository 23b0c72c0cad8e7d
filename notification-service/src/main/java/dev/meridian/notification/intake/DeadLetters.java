package dev.meridian.notification.intake;

import dev.meridian.events.UserEvents;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Failing events are retried with exponential back-off ({@link EventRetry}) and then published to this service's
 * dead-letter topic, keyed as before, with the cause in the {@code kafka_dlt-exception-*} headers. Unreadable events
 * and mail that cannot be built skip the retries. Nothing is dropped silently: {@link DeadLetterReplay} feeds the dead letters back in.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EventRetry.class)
class DeadLetters {

    static final String TOPIC = UserEvents.TOPIC + ".notification-service.dlt";
    static final String REPLAY_CONTAINER_FACTORY = "deadLetterReplayContainerFactory";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    @Bean
    NewTopic deadLetterTopic() {
        return TopicBuilder.name(TOPIC).partitions(3).build();
    }

    /** Picked up by Spring Boot for the default listener container factory, so for {@link UserEventIntake}. */
    @Bean
    DefaultErrorHandler retryThenDeadLetter(KafkaOperations<?, ?> kafka, EventRetry retry) {
        // Partition -1: the producer partitions by key, so one user's dead letters stay in order too.
        var recoverer = new DeadLetterPublishingRecoverer(kafka, (record, e) -> new TopicPartition(TOPIC, -1));
        var backOff = new ExponentialBackOffWithMaxRetries(retry.maxAttempts() - 1);
        backOff.setInitialInterval(retry.initialInterval().toMillis());
        backOff.setMultiplier(retry.multiplier());
        backOff.setMaxInterval(retry.maxInterval().toMillis());
        var handler = new DefaultErrorHandler(recoverer, backOff);
        // A mail that cannot even be built (e.g. an invalid address) will not build on the next attempt either.
        handler.addNotRetryableExceptions(
                UnreadableEvent.class, MailPreparationException.class, MailParseException.class);
        return handler;
    }

    /**
     * Replays once, without retries: a dead letter that fails again is logged and stays in the topic (which keeps it
     * for its retention time) instead of being dead-lettered into the topic being replayed. Idle means caught up.
     */
    @Bean(REPLAY_CONTAINER_FACTORY)
    ConcurrentKafkaListenerContainerFactory<Object, Object> deadLetterReplayContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<Object, Object> consumers) {
        var factory = new ConcurrentKafkaListenerContainerFactory<Object, Object>();
        configurer.configure(factory, consumers);
        factory.setCommonErrorHandler(new DefaultErrorHandler(
                (record, e) -> log.warn(
                        "Dead letter {}-{}@{} failed again and was left in place: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.getMessage()),
                new FixedBackOff(0, 0)));
        factory.getContainerProperties().setIdleEventInterval(2_000L);
        return factory;
    }
}
