package dev.meridian.user.events;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserEvents;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.modulith.events.EventExternalizationConfiguration;
import org.springframework.modulith.events.RoutingTarget;

/**
 * The transactional outbox. An account change and its {@link UserEvent} are written in one transaction: Spring
 * Modulith records the event in {@code event_publication} before commit and sends it to Kafka after, keyed by user
 * id so one user's events stay in order. Publications Kafka did not acknowledge are sent again on restart and by
 * {@link OutboxResubmission}.
 */
@Configuration(proxyBeanMethods = false)
class UserEventsToKafka {

    @Bean
    EventExternalizationConfiguration userEventsExternalization() {
        return EventExternalizationConfiguration.externalizing()
                .selectByType(UserEvent.class::isAssignableFrom)
                .route(
                        UserEvent.class,
                        event -> RoutingTarget.forTarget(UserEvents.TOPIC)
                                .andKey(event.userId().toString()))
                .headers(UserEvent.class, UserEventsToKafka::cloudEventAttributes)
                .build();
    }

    /** CloudEvents 1.0, Kafka protocol binding, binary mode: attributes in headers, the event record as value. */
    static Map<String, Object> cloudEventAttributes(UserEvent event) {
        return Map.of(
                CloudEventHeaders.ID, event.eventId().toString(),
                CloudEventHeaders.TYPE, event.type(),
                CloudEventHeaders.SOURCE, UserEvents.SOURCE,
                CloudEventHeaders.TIME, event.occurredAt().toString(),
                CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_1_0,
                CloudEventHeaders.SUBJECT, event.userId().toString(),
                CloudEventHeaders.CONTENT_TYPE, "application/json");
    }
}
