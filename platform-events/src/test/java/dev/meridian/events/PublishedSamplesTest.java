package dev.meridian.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON samples under {@code samples/} are what consumers have been promised: every published version must stay
 * readable by the current records. That unknown fields do not break a reader is each consumer's configuration, so it
 * is tested there, with the consumer's own mapper (audit- and notification-service's {@code PublishedSamplesTest},
 * which read these samples from this module's test-jar); here a plain Jackson mapper, no feature switched by hand.
 */
class PublishedSamplesTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void userCreatedV1StaysReadableAndIgnoresFieldsAddedLater() throws IOException {
        UserCreated event = read("user-created.v1.json", UserCreated.class);

        assertThat(event.userId()).isEqualTo(UUID.fromString("5f1d2c3b-7a8e-4f60-b1c2-d3e4f5a6b7c8"));
        assertThat(event.email()).isEqualTo("ada@example.com");
        assertThat(event.roles()).containsExactly("USER");
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-26T10:15:30.123Z"));
        assertThat(event.type()).isEqualTo("dev.meridian.user.created.v1");
    }

    @Test
    void userUpdatedV1NamesWhatChanged() throws IOException {
        UserUpdated event = read("user-updated.v1.json", UserUpdated.class);

        assertThat(event.changed()).containsExactly(UserUpdated.EMAIL);
        assertThat(event.previousEmail()).isEqualTo("ada@example.com");
        assertThat(event.email()).isEqualTo("ada@lovelace.dev");
        assertThat(event.actorTokenId()).as("added later").isNull();
    }

    @Test
    void userUpdatedV1NamesTheTokenACredentialChangeWasMadeWith() throws IOException {
        UserUpdated event = read("user-updated.v1.password-changed.json", UserUpdated.class);

        assertThat(event.changed()).containsExactly(UserUpdated.PASSWORD);
        assertThat(event.actorTokenId()).isEqualTo("3c9e1f0a-6b2d-4a7e-9c8f-1d2e3f4a5b6c");
    }

    @Test
    void activationEventsV1StayReadable() throws IOException {
        assertThat(read("user-deactivated.v1.json", UserDeactivated.class).actorId())
                .isNull();
        assertThat(read("user-activated.v1.json", UserActivated.class).type())
                .isEqualTo("dev.meridian.user.activated.v1");
    }

    @Test
    void refreshTokenReusedV1NamesTheClientAndTheRevokedFamily() throws IOException {
        RefreshTokenReused event = read("refresh-token-reused.v1.json", RefreshTokenReused.class);

        assertThat(event.clientId()).isEqualTo("web");
        assertThat(event.authorizationId()).isEqualTo("7e1c9a54-3b2d-4c8e-9f0a-1b2c3d4e5f60");
        assertThat(event.type()).isEqualTo("dev.meridian.user.refresh-token-reused.v1");
    }

    @Test
    void lifecycleEventsV1CarryNoSecretOnlyTheRequestToFetchALinkBy() throws IOException {
        var verification = read("email-verification-requested.v1.json", EmailVerificationRequested.class);
        assertThat(verification.requestId()).isEqualTo(UUID.fromString("9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"));
        assertThat(verification.type()).isEqualTo("dev.meridian.user.email-verification-requested.v1");
        var reset = read("password-reset-requested.v1.json", PasswordResetRequested.class);
        assertThat(reset.requestId()).isNotNull();
        assertThat(reset.actorId()).isNull();
        var change = read("email-change-requested.v1.json", EmailChangeRequested.class);
        assertThat(change.newEmail()).isEqualTo("ada@lovelace.dev");
        assertThat(change.confirmRequestId()).isNotEqualTo(change.cancelRequestId());
        assertThat(read("email-verified.v1.json", EmailVerified.class).email()).isEqualTo("ada@example.com");
        assertThat(read("sign-up-with-existing-email.v1.json", SignUpWithExistingEmail.class)
                        .type())
                .isEqualTo("dev.meridian.user.sign-up-with-existing-email.v1");
        assertThat(read("email-change-cancelled.v1.json", EmailChangeCancelled.class)
                        .email())
                .isEqualTo("ada@example.com");
        var revoked = read("sessions-revoked.v1.json", SessionsRevoked.class);
        assertThat(revoked.authorizationIds()).hasSize(1);
        assertThat(revoked.everywhere()).isFalse();
        assertThat(read("user-deleted.v1.json", UserDeleted.class).reason()).isEqualTo(UserDeleted.NEVER_VERIFIED);
        var enrolled = read("second-factor-enrolled.v1.json", SecondFactorEnrolled.class);
        assertThat(enrolled.factor()).isEqualTo(SecondFactorEnrolled.TOTP);
        assertThat(enrolled.recoveryCodes()).isEqualTo(10);
        assertThat(read("second-factor-removed.v1.json", SecondFactorRemoved.class)
                        .factor())
                .isEqualTo("totp");
        assertThat(read("recovery-code-used.v1.json", RecoveryCodeUsed.class).remaining())
                .isEqualTo(9);
        var regenerated = read("recovery-codes-regenerated.v1.json", RecoveryCodesRegenerated.class);
        assertThat(regenerated.recoveryCodes()).isEqualTo(10);
        assertThat(regenerated.type()).isEqualTo("dev.meridian.user.recovery-codes-regenerated.v1");
    }

    @Test
    void aDeletionNamesWhoDeletedTheAccountAndWhy() throws IOException {
        var self = read("user-deleted.v1.self.json", UserDeleted.class);
        var byAdministrator = read("user-deleted.v1.administrator.json", UserDeleted.class);

        assertThat(self.reason()).isEqualTo(UserDeleted.SELF);
        assertThat(self.actorId()).isEqualTo(self.userId());
        assertThat(byAdministrator.reason()).isEqualTo(UserDeleted.ADMINISTRATOR);
        assertThat(byAdministrator.actorId()).isNotEqualTo(byAdministrator.userId());
    }

    @Test
    void eventsFromBeforeEmailVerificationReadAsVerified() throws IOException {
        assertThat(read("user-created.v1.json", UserCreated.class).mayReceiveMail())
                .isTrue();
        assertThat(read("user-updated.v1.json", UserUpdated.class).mayReceiveMail())
                .isTrue();
        var unverified = new UserCreated(
                UUID.randomUUID(), UUID.randomUUID(), null, Instant.now(), "a@example.com", "A", Set.of("USER"), false);
        assertThat(unverified.mayReceiveMail()).isFalse();
    }

    @Test
    void recordsRoundTripThroughJson() {
        var event = new UserCreated(
                UUID.randomUUID(),
                UUID.randomUUID(),
                null,
                Instant.parse("2026-11-26T10:15:30Z"),
                "grace@example.com",
                "Grace Hopper",
                Set.of("ADMIN"));

        assertThat(json.readValue(json.writeValueAsString(event), UserCreated.class))
                .isEqualTo(event);
    }

    /** Every sample, with the record its file name names ({@link PublishedSamples}). */
    static Stream<Arguments> everySample() {
        List<Arguments> samples = PublishedSamples.every().stream()
                .map(sample -> Arguments.of(sample.name(), sample.type()))
                .toList();
        assertThat(samples).as("samples found").hasSizeGreaterThanOrEqualTo(14);
        return samples.stream();
    }

    @Test
    void everyPublishedRecordHasASample() {
        List<Object> sampled = everySample().map(sample -> sample.get()[1]).toList();

        assertThat(sampled).containsAll(List.of(UserEvent.class.getPermittedSubclasses()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySample")
    void everySampleRoundTripsThroughItsRecordUnchanged(String sample, Class<? extends UserEvent> type)
            throws IOException {
        UserEvent event = read(sample, type);

        assertThat(json.readValue(json.writeValueAsString(event), type)).isEqualTo(event);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySample")
    void whatARecordWritesStillCarriesEveryFieldItsSamplePromised(String sample, Class<? extends UserEvent> type)
            throws IOException {
        ObjectNode promised = (ObjectNode) tree(sample);
        promised.remove("addedByALaterVersion");
        JsonNode written = json.valueToTree(read(sample, type));

        // A renamed or dropped component would leave consumers built against the sample reading null.
        assertThat(written.propertyNames()).containsAll(promised.propertyNames());
        assertThat(json.treeToValue(written, type)).isEqualTo(json.treeToValue(promised, type));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySample")
    void fieldsAddedByALaterVersionDoNotChangeWhatASampleReadsAs(String sample, Class<? extends UserEvent> type)
            throws IOException {
        ObjectNode later = (ObjectNode) tree(sample);
        later.put("addedLater", "a consumer built today ignores this");
        later.putObject("nestedAddedLater").put("depth", 2);

        assertThat(json.treeToValue(later, type)).isEqualTo(read(sample, type));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everySample")
    void everySampleCarriesWhatEveryConsumerReliesOn(String sample, Class<? extends UserEvent> type)
            throws IOException {
        UserEvent event = read(sample, type);

        // Consumers deduplicate by eventId, key and order by userId, and record occurredAt.
        assertThat(event.eventId()).as("eventId").isNotNull();
        assertThat(event.userId()).as("userId").isNotNull();
        assertThat(event.occurredAt()).as("occurredAt").isNotNull();
        assertThat(UserEvents.dataType(event.type())).contains(type);
    }

    private JsonNode tree(String sample) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/samples/" + sample)) {
            return json.readTree(in);
        }
    }

    private <T> T read(String sample, Class<T> type) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/samples/" + sample)) {
            return json.readValue(in, type);
        }
    }
}
