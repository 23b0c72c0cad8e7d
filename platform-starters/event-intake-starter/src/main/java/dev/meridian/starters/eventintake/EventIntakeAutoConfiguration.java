package dev.meridian.starters.eventintake;

import dev.meridian.events.UserEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.util.StringUtils;
import org.springframework.util.backoff.FixedBackOff;
import org.springframework.web.bind.annotation.RestController;

/**
 * A consumer of user events retries in place, then dead-letters: the {@link DefaultErrorHandler} bean is the one
 * Spring Boot gives the default listener container factory, so every {@code @KafkaListener} of the service (its
 * intake) gets it. A failing record is retried with exponential back-off while its partition waits, which keeps each
 * user's events in order (retry topics would let a later event overtake it), then logged at ERROR and published to
 * the service's dead-letter topic with its key, headers and value and the cause in the {@code kafka_dlt-exception-*}
 * headers. {@link UnreadableEvent} and the exceptions in {@code meridian.events.dead-letters.poison} skip the
 * retries. In a servlet application {@link DeadLetterReplay} feeds the dead letters back in. Off with
 * {@code meridian.events.enabled=false}; each bean gives way to one the service defines.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnClass(KafkaOperations.class)
@ConditionalOnBean(KafkaOperations.class)
@ConditionalOnBooleanProperty(name = "meridian.events.enabled", matchIfMissing = true)
@EnableConfigurationProperties(EventIntakeProperties.class)
public final class EventIntakeAutoConfiguration {

    /** The bean name of the dead-letter topic's declaration (created at start-up by Spring Kafka's admin). */
    public static final String DEAD_LETTER_TOPIC = "deadLetterTopic";

    private static final Logger log = LoggerFactory.getLogger(EventIntakeAutoConfiguration.class);

    /** {@code meridian.events.dead-letters.topic}, else {@code user-events.<spring.application.name>.dlt}. */
    static String deadLetterTopicName(EventIntakeProperties settings, Environment environment) {
        String topic = settings.deadLetters().topic();
        if (StringUtils.hasText(topic)) {
            return topic;
        }
        return UserEvents.TOPIC + "." + environment.getRequiredProperty("spring.application.name") + ".dlt";
    }

    @Bean(DEAD_LETTER_TOPIC)
    @ConditionalOnMissingBean(name = DEAD_LETTER_TOPIC)
    NewTopic deadLetterTopic(EventIntakeProperties settings, Environment environment) {
        return TopicBuilder.name(deadLetterTopicName(settings, environment))
                .partitions(settings.deadLetters().partitions())
                .build();
    }

    @Bean
    @ConditionalOnMissingBean
    ExponentialBackOffWithMaxRetries eventRetryBackOff(EventIntakeProperties settings) {
        EventIntakeProperties.Retry retry = settings.retry();
        var backOff = new ExponentialBackOffWithMaxRetries(retry.maxAttempts() - 1);
        backOff.setInitialInterval(retry.initialInterval().toMillis());
        backOff.setMultiplier(retry.multiplier());
        backOff.setMaxInterval(retry.maxInterval().toMillis());
        return backOff;
    }

    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    DefaultErrorHandler retryThenDeadLetter(
            KafkaOperations<?, ?> kafka,
            ExponentialBackOffWithMaxRetries eventRetryBackOff,
            EventIntakeProperties settings,
            Environment environment) {
        String topic = deadLetterTopicName(settings, environment);
        // Partition -1: the producer partitions by key, so one user's dead letters stay in order too.
        var deadLetters = new DeadLetterPublishingRecoverer(kafka, (record, e) -> new TopicPartition(topic, -1));
        var handler = new DefaultErrorHandler(
                (record, e) -> {
                    log.error(
                            "User event {}-{}@{} (key {}) could not be handled and goes to {}",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            record.key(),
                            topic,
                            e);
                    deadLetters.accept(record, e);
                },
                eventRetryBackOff);
        handler.addNotRetryableExceptions(UnreadableEvent.class);
        settings.deadLetters()
                .poison()
                .forEach(poison -> handler.addNotRetryableExceptions(poison.asSubclass(Exception.class)));
        return handler;
    }

    /** The letters in the dead-letter topic the replay's group has not passed yet; see {@link DeadLetterBacklog}. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(KafkaAdmin.class)
    DeadLetterBacklog deadLetterBacklog(
            KafkaAdmin kafkaAdmin,
            EventIntakeProperties settings,
            Environment environment,
            ObjectProvider<MeterRegistry> meters) {
        return new DeadLetterBacklog(
                kafkaAdmin,
                deadLetterTopicName(settings, environment),
                replayGroup(environment),
                settings.deadLetters().backlogInterval(),
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** The consumer group of the replay, whose committed offsets mark the dead letters replayed. */
    static String replayGroup(Environment environment) {
        return environment.getRequiredProperty("spring.application.name") + "-dead-letter-replay";
    }

    /** The replay endpoint: servlet applications, unless {@code meridian.events.replay.enabled=false}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(RestController.class)
    @ConditionalOnBooleanProperty(name = "meridian.events.replay.enabled", matchIfMissing = true)
    static class Replay {

        /** The bean name of the replay's listener container, also its listener id. */
        static final String CONTAINER = "deadLetterReplayContainer";

        /**
         * Replays once, without retries: a dead letter that fails again is logged and stays in the topic (which keeps
         * it for its retention time) instead of being dead-lettered into the topic being replayed. Its own consumer
         * group, so a pass starts after the letters replayed before; idle means caught up. Started by
         * {@link DeadLetterReplay} only.
         */
        @Bean(CONTAINER)
        @ConditionalOnMissingBean(name = CONTAINER)
        ConcurrentMessageListenerContainer<Object, Object> deadLetterReplayContainer(
                ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
                ConsumerFactory<Object, Object> consumers,
                EventIntakeProperties settings,
                Environment environment) {
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
            factory.setAutoStartup(false);
            var container = factory.createContainer(deadLetterTopicName(settings, environment));
            container.getContainerProperties().setGroupId(replayGroup(environment));
            container
                    .getContainerProperties()
                    .setIdleEventInterval(settings.replay().idleAfter().toMillis());
            container.setAutoStartup(false);
            return container;
        }

        @Bean
        @ConditionalOnMissingBean
        DeadLetterReplay deadLetterReplay(
                ConcurrentMessageListenerContainer<Object, Object> deadLetterReplayContainer,
                KafkaListenerEndpointRegistry listeners,
                EventIntakeProperties settings,
                ObjectProvider<MeterRegistry> meters) {
            return new DeadLetterReplay(
                    deadLetterReplayContainer,
                    listeners,
                    settings.replay(),
                    meters.getIfAvailable(SimpleMeterRegistry::new));
        }
    }
}
