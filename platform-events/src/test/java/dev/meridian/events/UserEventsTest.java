package dev.meridian.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserEventsTest {

    @Test
    void typeNamesFollowTheVersionedReverseDomainScheme() {
        assertThat(UserEvents.type("created", 1)).isEqualTo("dev.meridian.user.created.v1");
    }
}
