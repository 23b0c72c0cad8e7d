package dev.meridian.starters.eventintake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.UserDeactivated;
import dev.meridian.events.UserEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class UserEventReaderTest {

    private static final UUID EVENT = UUID.fromString("2d0a5e3a-5b2c-4f90-9c73-8e4b3c1f6a23");
    private static final UUID USER = UUID.fromString("5f1d2c3b-7a8e-4f60-b1c2-d3e4f5a6b7c8");

    private final UserEventReader reader =
            new UserEventReader(JsonMapper.builder().build());

    @Test
    void readsTheRecordItsTypeNamesAndIgnoresFieldsALaterPublisherAdded() {
        var event = reader.read(record(UserDeactivated.TYPE, EVENT.toString(), """
                {"eventId":"%s","userId":"%s","actorId":null,"occurredAt":"2026-11-26T12:00:00Z","reason":"new"}""".formatted(EVENT, USER)));

        assertThat(event).isEqualTo(new UserDeactivated(EVENT, USER, null, Instant.parse("2026-11-26T12:00:00Z")));
    }

    @Test
    void aTypeThisBuildDoesNotKnowIsUnreadable() {
        assertThatThrownBy(() -> reader.read(record(UserEvents.type("deactivated", 9), EVENT.toString(), "{}")))
                .isInstanceOf(UnreadableEvent.class)
                .hasMessage("Unknown event type dev.meridian.user.deactivated.v9");
        assertThatThrownBy(() -> reader.read(record(null, EVENT.toString(), "{}")))
                .isInstanceOf(UnreadableEvent.class);
    }

    @Test
    void aRecordWithoutDataOrWithDataOfAnotherShapeIsUnreadable() {
        assertThatThrownBy(() -> reader.read(record(UserDeactivated.TYPE, EVENT.toString(), null)))
                .isInstanceOf(UnreadableEvent.class)
                .hasMessageContaining("without data");
        assertThatThrownBy(() -> reader.read(record(UserDeactivated.TYPE, EVENT.toString(), "{\"eventId\":")))
                .isInstanceOf(UnreadableEvent.class)
                .hasMessageContaining("not a readable " + UserDeactivated.TYPE);
    }

    @Test
    void anEventWhoseIdIsNotItsCloudEventsIdIsUnreadable() {
        String data = """
                {"eventId":"%s","userId":"%s","occurredAt":"2026-11-26T12:00:00Z"}""".formatted(EVENT, USER);

        assertThatThrownBy(() -> reader.read(
                        record(UserDeactivated.TYPE, UUID.randomUUID().toString(), data)))
                .isInstanceOf(UnreadableEvent.class)
                .hasMessageContaining("does not match ce_id");
        assertThatThrownBy(() -> reader.read(record(UserDeactivated.TYPE, null, data)))
                .isInstanceOf(UnreadableEvent.class);
    }

    @Test
    void anEventWithoutItsUserOrItsTimeIsUnreadable() {
        assertThatThrownBy(() -> reader.read(record(
                        UserDeactivated.TYPE,
                        EVENT.toString(),
                        "{\"eventId\":\"%s\",\"occurredAt\":\"2026-11-26T12:00:00Z\"}".formatted(EVENT))))
                .isInstanceOf(UnreadableEvent.class)
                .hasMessageContaining("without userId or occurredAt");
        assertThatThrownBy(() -> reader.read(record(
                        UserDeactivated.TYPE,
                        EVENT.toString(),
                        "{\"eventId\":\"%s\",\"userId\":\"%s\"}".formatted(EVENT, USER))))
                .isInstanceOf(UnreadableEvent.class)
                .hasMessageContaining("without userId or occurredAt");
    }

    @Test
    void aHeaderIsItsLastValueAndAMissingOneIsNull() {
        var record = record(UserDeactivated.TYPE, "first", "{}");
        record.headers().add(CloudEventHeaders.ID, "second".getBytes(StandardCharsets.UTF_8));

        assertThat(UserEventReader.header(record, CloudEventHeaders.ID)).isEqualTo("second");
        assertThat(UserEventReader.header(record, CloudEventHeaders.SUBJECT)).isNull();
    }

    private static ConsumerRecord<String, String> record(String type, String id, String data) {
        var record = new ConsumerRecord<>(UserEvents.TOPIC, 0, 0L, USER.toString(), data);
        if (type != null) {
            record.headers().add(CloudEventHeaders.TYPE, type.getBytes(StandardCharsets.UTF_8));
        }
        if (id != null) {
            record.headers().add(CloudEventHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }
}
