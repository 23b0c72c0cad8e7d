package dev.meridian.audit.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.events.EmailChangeCancelled;
import dev.meridian.events.EmailChangeRequested;
import dev.meridian.events.EmailVerificationRequested;
import dev.meridian.events.EmailVerified;
import dev.meridian.events.PasswordResetRequested;
import dev.meridian.events.RefreshTokenReused;
import dev.meridian.events.SessionsRevoked;
import dev.meridian.events.SignUpWithExistingEmail;
import dev.meridian.events.UserActivated;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserDeactivated;
import dev.meridian.events.UserDeleted;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserUpdated;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.json.JsonTest;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every published sample (platform-events' test-jar), with fields a later publisher might add, read by the
 * JsonMapper this service's listener is given: Boot's, configured by this service's application.yml (the tolerant
 * reader is {@code spring.jackson.deserialization.fail-on-unknown-properties: false}).
 */
@JsonTest
class PublishedSamplesTest {

    @Autowired
    JsonMapper json;

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("user-created.v1.json", UserCreated.class),
                Arguments.of("user-updated.v1.json", UserUpdated.class),
                Arguments.of("user-updated.v1.password-changed.json", UserUpdated.class),
                Arguments.of("user-deactivated.v1.json", UserDeactivated.class),
                Arguments.of("user-activated.v1.json", UserActivated.class),
                Arguments.of("user-deleted.v1.json", UserDeleted.class),
                Arguments.of("refresh-token-reused.v1.json", RefreshTokenReused.class),
                Arguments.of("email-verification-requested.v1.json", EmailVerificationRequested.class),
                Arguments.of("email-verified.v1.json", EmailVerified.class),
                Arguments.of("sign-up-with-existing-email.v1.json", SignUpWithExistingEmail.class),
                Arguments.of("password-reset-requested.v1.json", PasswordResetRequested.class),
                Arguments.of("email-change-requested.v1.json", EmailChangeRequested.class),
                Arguments.of("email-change-cancelled.v1.json", EmailChangeCancelled.class),
                Arguments.of("sessions-revoked.v1.json", SessionsRevoked.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void aSampleWithFieldsAddedByALaterVersionReadsAsWithout(String sample, Class<? extends UserEvent> type)
            throws IOException {
        ObjectNode published = (ObjectNode) json.readTree(sample(sample));
        ObjectNode later = published.deepCopy();
        later.put("aFieldOfALaterVersion", "ignore me");
        later.putObject("anObjectOfALaterVersion").putArray("items").add(1).add("two");

        UserEvent read = json.readValue(later.toString(), type);

        assertThat(read).isEqualTo(json.readValue(withoutUnknownFields(published, type), type));
        assertThat(read.eventId()).isNotNull();
    }

    /** The sample as the current record writes it: only the fields this version knows. */
    private String withoutUnknownFields(ObjectNode sample, Class<? extends UserEvent> type) {
        ObjectNode known = sample.deepCopy();
        var fields = Stream.of(type.getRecordComponents()).map(c -> c.getName()).toList();
        known.propertyNames().stream()
                .filter(name -> !fields.contains(name))
                .toList()
                .forEach(known::remove);
        return known.toString();
    }

    private byte[] sample(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/samples/" + name)) {
            assertThat(in)
                    .as("samples/%s on the test classpath (platform-events' test-jar)", name)
                    .isNotNull();
            return in.readAllBytes();
        }
    }
}
