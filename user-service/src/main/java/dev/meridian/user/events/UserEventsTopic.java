package dev.meridian.user.events;

import dev.meridian.events.UserEvents;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/**
 * user-service owns {@link UserEvents#TOPIC} and declares it, so that it exists with enough partitions before the
 * first event, not as a broker's auto-created single partition. Partitions bound how many instances of a consumer
 * share the work; one user's events stay on one partition (key = user id) whatever the count.
 */
@Configuration(proxyBeanMethods = false)
class UserEventsTopic {

    @Bean
    NewTopic userEvents(@Value("${meridian.events.partitions:6}") int partitions) {
        return TopicBuilder.name(UserEvents.TOPIC).partitions(partitions).build();
    }
}
