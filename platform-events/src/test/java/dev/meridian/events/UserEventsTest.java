package dev.meridian.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserEventsTest {

    @Test
    void typeNamesFollowTheVersionedReverseDomainScheme() {
        assertThat(UserEvents.type("created", 1)).isEqualTo("dev.meridian.user.created.v1");
    }

    @Test
    void everyPublishedTypeNamesTheRecordItsDataReadsInto() {
        assertThat(UserEvents.dataType(UserCreated.TYPE)).contains(UserCreated.class);
        assertThat(UserEvents.dataType(UserUpdated.TYPE)).contains(UserUpdated.class);
        assertThat(UserEvents.dataType(UserDeactivated.TYPE)).contains(UserDeactivated.class);
        assertThat(UserEvents.dataType(UserActivated.TYPE)).contains(UserActivated.class);
        assertThat(UserEvents.dataType(RefreshTokenReused.TYPE)).contains(RefreshTokenReused.class);
        assertThat(UserEvents.dataType(RecoveryCodesRegenerated.TYPE)).contains(RecoveryCodesRegenerated.class);
    }

    @Test
    void unknownTypesAndVersionsReadIntoNothing() {
        assertThat(UserEvents.dataType(UserEvents.type("created", 2))).isEmpty();
        assertThat(UserEvents.dataType("com.example.order.placed.v1")).isEmpty();
        assertThat(UserEvents.dataType(null)).isEmpty();
    }
}
