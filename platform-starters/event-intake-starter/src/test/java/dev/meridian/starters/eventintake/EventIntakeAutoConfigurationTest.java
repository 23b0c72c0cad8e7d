package dev.meridian.starters.eventintake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.util.backoff.BackOffExecution;

class EventIntakeAutoConfigurationTest {

    private static final String[] A_CONSUMER = {
        "spring.application.name=audit-service",
        // Nothing to create on a broker: the contexts are built, no broker needs to answer.
        "spring.kafka.admin.auto-create=false",
        "meridian.events.replay.path=/api/audit/dead-letters/replay",
        "meridian.events.replay.listener=audit-intake",
        "meridian.events.replay.metric=audit.dead_letters.replayed"
    };

    private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, EventIntakeAutoConfiguration.class))
            .withPropertyValues(A_CONSUMER);

    @Test
    void aServletConsumerGetsRetriesTheDeadLetterTopicNamedAfterItAndTheReplay() {
        servlet.run(context -> {
            assertThat(context).hasSingleBean(DefaultErrorHandler.class);
            assertThat(context).hasSingleBean(DeadLetterReplay.class);
            assertThat(context).hasSingleBean(DeadLetterBacklog.class);
            assertThat(context.getBean(EventIntakeAutoConfiguration.DEAD_LETTER_TOPIC, NewTopic.class))
                    .satisfies(topic -> {
                        assertThat(topic.name()).isEqualTo("user-events.audit-service.dlt");
                        assertThat(topic.numPartitions()).isEqualTo(3);
                    });
        });
    }

    @Test
    void byDefaultAFailingRecordIsTriedEightTimesBackingOffFromOneSecondToTenAboutFortyFiveSecondsInAll() {
        servlet.run(context -> {
            BackOffExecution execution =
                    context.getBean(ExponentialBackOffWithMaxRetries.class).start();
            List<Long> waits = new ArrayList<>();
            for (long wait = execution.nextBackOff(); wait != BackOffExecution.STOP; wait = execution.nextBackOff()) {
                waits.add(wait);
            }
            assertThat(waits).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 10_000L, 10_000L, 10_000L);
            assertThat(waits.stream().mapToLong(Long::longValue).sum()).isEqualTo(45_000L);
        });
    }

    @Test
    void theRetryTheDeadLetterTopicAndThePoisonAreBoundFromProperties() {
        servlet.withPropertyValues(
                        "meridian.events.retry.max-attempts=3",
                        "meridian.events.retry.initial-interval=100ms",
                        "meridian.events.retry.multiplier=3",
                        "meridian.events.retry.max-interval=250ms",
                        "meridian.events.dead-letters.topic=somewhere.dlt",
                        "meridian.events.dead-letters.partitions=6",
                        "meridian.events.dead-letters.poison=java.time.format.DateTimeParseException")
                .run(context -> {
                    BackOffExecution execution = context.getBean(ExponentialBackOffWithMaxRetries.class)
                            .start();
                    assertThat(execution.nextBackOff()).isEqualTo(100L);
                    assertThat(execution.nextBackOff()).isEqualTo(250L);
                    assertThat(execution.nextBackOff()).isEqualTo(BackOffExecution.STOP);
                    NewTopic topic = context.getBean(EventIntakeAutoConfiguration.DEAD_LETTER_TOPIC, NewTopic.class);
                    assertThat(topic.name()).isEqualTo("somewhere.dlt");
                    assertThat(topic.numPartitions()).isEqualTo(6);
                    assertThat(context.getBean(EventIntakeProperties.class)
                                    .deadLetters()
                                    .poison())
                            .containsExactly(DateTimeParseException.class);
                });
    }

    @Test
    void settingsOutsideTheirBoundsStopTheApplication() {
        servlet.withPropertyValues("meridian.events.retry.max-attempts=0")
                .run(context -> assertThat(context).hasFailed());
        servlet.withPropertyValues("meridian.events.retry.multiplier=0.5")
                .run(context -> assertThat(context).hasFailed());
        servlet.withPropertyValues("meridian.events.dead-letters.partitions=0")
                .run(context -> assertThat(context).hasFailed());
        servlet.withPropertyValues("meridian.events.dead-letters.poison=no.such.Exception")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void aReplayWithoutItsPathListenerOrMetricStopsTheApplication() {
        servlet.withPropertyValues("meridian.events.replay.listener=")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("replay.enabled needs replay.path"));
    }

    @Test
    void theReplayCanBeSwitchedOffAndThenNeedsNoSettings() {
        new WebApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(KafkaAutoConfiguration.class, EventIntakeAutoConfiguration.class))
                .withPropertyValues(
                        "spring.application.name=auth-service",
                        "spring.kafka.admin.auto-create=false",
                        "meridian.events.replay.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(DeadLetterReplay.class);
                    assertThat(context).hasSingleBean(DefaultErrorHandler.class);
                    assertThat(context.getBean(EventIntakeAutoConfiguration.DEAD_LETTER_TOPIC, NewTopic.class)
                                    .name())
                            .isEqualTo("user-events.auth-service.dlt");
                });
    }

    @Test
    void aNonWebConsumerGetsRetriesAndDeadLettersButNoReplayEndpoint() {
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(KafkaAutoConfiguration.class, EventIntakeAutoConfiguration.class))
                .withPropertyValues(A_CONSUMER)
                .run(context -> {
                    assertThat(context).hasSingleBean(DefaultErrorHandler.class);
                    assertThat(context).doesNotHaveBean(DeadLetterReplay.class);
                });
    }

    @Test
    void theStarterCanBeSwitchedOff() {
        servlet.withPropertyValues("meridian.events.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(CommonErrorHandler.class);
            assertThat(context).doesNotHaveBean(DeadLetterReplay.class);
            assertThat(context).doesNotHaveBean(EventIntakeAutoConfiguration.DEAD_LETTER_TOPIC);
        });
    }

    @Test
    void withoutKafkaThereIsNothingToConfigure() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EventIntakeAutoConfiguration.class))
                .withPropertyValues(A_CONSUMER)
                .run(context -> assertThat(context).doesNotHaveBean(CommonErrorHandler.class));
    }

    @Test
    void anErrorHandlerOfTheServiceWins() {
        servlet.withBean("ownHandler", CommonErrorHandler.class, DefaultErrorHandler::new)
                .run(context ->
                        assertThat(context.getBean(CommonErrorHandler.class)).isSameAs(context.getBean("ownHandler")));
    }
}
