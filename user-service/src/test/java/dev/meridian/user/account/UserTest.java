package dev.meridian.user.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.meridian.events.EmailChangeCancelled;
import dev.meridian.events.EmailVerificationRequested;
import dev.meridian.events.EmailVerified;
import dev.meridian.events.UserActivated;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserDeactivated;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserUpdated;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * The account aggregate on its own: each change registers the event that tells the platform about it, a change that
 * changes nothing registers none, and the rules it keeps (verification, the email-change lock) hold.
 */
class UserTest {

    private static final Instant CREATED = Instant.parse("2026-12-01T08:00:00Z");
    private static final Instant NOW = Instant.parse("2026-12-02T10:15:30Z");
    private static final UUID ADMIN = UUID.fromString("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");

    @Test
    void signUpAnnouncesAnUnverifiedAccountAndAsksForTheVerificationMail() {
        UUID request = UUID.randomUUID();

        User user =
                User.register(new EmailAddress(" Ada@Example.com "), "Ada", "{hash}", Role.USER, null, request, NOW);

        assertThat(user.email()).isEqualTo("ada@example.com");
        assertThat(user.isActive()).isTrue();
        assertThat(user.emailVerified()).isFalse();
        assertThat(user.version()).isZero();
        List<Object> events = events(user);
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isInstanceOfSatisfying(UserCreated.class, created -> {
            assertThat(created.userId()).isEqualTo(user.id());
            assertThat(created.actorId()).as("the user signed up themself").isEqualTo(user.id());
            assertThat(created.email()).isEqualTo("ada@example.com");
            assertThat(created.roles()).containsExactly("USER");
            assertThat(created.emailVerified()).isFalse();
            assertThat(created.occurredAt()).isEqualTo(NOW);
        });
        assertThat(events.get(1)).isInstanceOfSatisfying(EmailVerificationRequested.class, verification -> {
            assertThat(verification.userId()).isEqualTo(user.id());
            assertThat(verification.requestId()).isEqualTo(request);
            assertThat(verification.email()).isEqualTo("ada@example.com");
        });
        assertThat(events).map(event -> ((UserEvent) event).eventId()).doesNotHaveDuplicates();
    }

    @Test
    void anAccountWithAConfiguredAddressIsVerifiedAndAsksForNoMail() {
        User user = User.register(new EmailAddress("root@example.com"), "Root", "{hash}", Role.ADMIN, ADMIN, null, NOW);

        assertThat(user.emailVerified()).isTrue();
        assertThat(events(user)).singleElement().isInstanceOfSatisfying(UserCreated.class, created -> {
            assertThat(created.actorId()).isEqualTo(ADMIN);
            assertThat(created.roles()).containsExactly("ADMIN");
            assertThat(created.emailVerified()).isTrue();
        });
    }

    @Test
    void aNameChangeNamesOnlyTheNameAndTheTokenItWasMadeWith() {
        User user = stored(true, false);

        boolean changed = user.change(null, "Ada King", null, user.id(), "jti-1", NOW);

        assertThat(changed).isTrue();
        assertThat(user.name()).isEqualTo("Ada King");
        assertThat(user.updatedAt()).isEqualTo(NOW);
        assertThat(events(user)).singleElement().isInstanceOfSatisfying(UserUpdated.class, updated -> {
            assertThat(updated.changed()).containsExactly(UserUpdated.NAME);
            assertThat(updated.name()).isEqualTo("Ada King");
            assertThat(updated.previousEmail()).as("the email did not change").isNull();
            assertThat(updated.actorTokenId()).isEqualTo("jti-1");
            assertThat(updated.emailVerified()).isTrue();
        });
    }

    @Test
    void anEmailChangeNamesThePreviousAddress() {
        User user = stored(true, false);

        user.change(new EmailAddress("ada@lovelace.dev"), null, null, ADMIN, null, NOW);

        assertThat(events(user)).singleElement().isInstanceOfSatisfying(UserUpdated.class, updated -> {
            assertThat(updated.changed()).containsExactly(UserUpdated.EMAIL);
            assertThat(updated.email()).isEqualTo("ada@lovelace.dev");
            assertThat(updated.previousEmail()).isEqualTo("ada@example.com");
            assertThat(updated.actorId()).isEqualTo(ADMIN);
        });
    }

    @Test
    void aChangeToTheValuesTheAccountHasRegistersNothing() {
        User user = stored(true, false);

        boolean changed = user.change(new EmailAddress("ADA@example.com"), "Ada Lovelace", null, user.id(), "jti", NOW);

        assertThat(changed).isFalse();
        assertThat(events(user)).isEmpty();
        assertThat(user.updatedAt()).isEqualTo(CREATED);
    }

    @Test
    void aNewPasswordLiftsTheEmailChangeLock() {
        User user = stored(true, true);

        user.change(null, null, "{new-hash}", user.id(), "jti", NOW);

        assertThat(user.emailChangeLocked()).isFalse();
        assertThat(user.passwordHash()).isEqualTo("{new-hash}");
        assertThat(events(user))
                .singleElement()
                .asInstanceOf(type(UserUpdated.class))
                .extracting(UserUpdated::changed)
                .isEqualTo(Set.of(UserUpdated.PASSWORD));
    }

    @Test
    void anAddressIsVerifiedOnce() {
        User user = stored(false, false);

        assertThat(user.verifyEmail(NOW)).isTrue();
        assertThat(user.verifyEmail(NOW.plusSeconds(1))).isFalse();

        assertThat(user.emailVerified()).isTrue();
        assertThat(events(user)).singleElement().isInstanceOfSatisfying(EmailVerified.class, verified -> {
            assertThat(verified.email()).isEqualTo("ada@example.com");
            assertThat(verified.occurredAt()).isEqualTo(NOW);
        });
    }

    @Test
    void aPasswordResetProvesTheAddressLiftsTheLockAndEndsEverySession() {
        User user = stored(false, true);

        user.resetPassword("{reset-hash}", NOW);

        assertThat(user.emailVerified()).isTrue();
        assertThat(user.emailChangeLocked()).isFalse();
        List<Object> events = events(user);
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isInstanceOf(EmailVerified.class);
        assertThat(events.get(1)).isInstanceOfSatisfying(UserUpdated.class, updated -> {
            assertThat(updated.changed()).containsExactly(UserUpdated.PASSWORD);
            assertThat(updated.actorTokenId())
                    .as("no token named: auth-service ends every session")
                    .isNull();
        });
    }

    @Test
    void aConfirmedEmailChangeAppliesTheNewAddressAsVerified() {
        User user = stored(false, false);

        user.confirmEmailChange(new EmailAddress("ada@lovelace.dev"), NOW);

        assertThat(user.email()).isEqualTo("ada@lovelace.dev");
        assertThat(user.emailVerified()).isTrue();
        assertThat(events(user)).singleElement().isInstanceOfSatisfying(UserUpdated.class, updated -> {
            assertThat(updated.changed()).containsExactly(UserUpdated.EMAIL);
            assertThat(updated.previousEmail()).isEqualTo("ada@example.com");
            assertThat(updated.emailVerified()).isTrue();
        });
    }

    @Test
    void cancellingAnUnconfirmedEmailChangeLocksChangesAndKeepsTheAddress() {
        User user = stored(true, false);

        user.cancelEmailChange(new EmailAddress("ada@example.com"), NOW);

        assertThat(user.emailChangeLocked()).isTrue();
        assertThat(user.email()).isEqualTo("ada@example.com");
        assertThat(events(user)).singleElement().isInstanceOf(EmailChangeCancelled.class);
    }

    @Test
    void cancellingAConfirmedEmailChangeGoesBackToTheFormerAddress() {
        User user = stored(true, false);
        user.confirmEmailChange(new EmailAddress("mallory@example.com"), NOW);

        user.cancelEmailChange(new EmailAddress("ada@example.com"), NOW.plusSeconds(60));

        assertThat(user.email()).isEqualTo("ada@example.com");
        assertThat(user.emailChangeLocked()).isTrue();
        List<Object> events = events(user);
        assertThat(events).hasSize(3);
        assertThat(events.get(1)).isInstanceOfSatisfying(UserUpdated.class, updated -> {
            assertThat(updated.email()).isEqualTo("ada@example.com");
            assertThat(updated.previousEmail()).isEqualTo("mallory@example.com");
        });
        assertThat(events.get(2))
                .isInstanceOfSatisfying(
                        EmailChangeCancelled.class,
                        cancelled -> assertThat(cancelled.email()).isEqualTo("ada@example.com"));
    }

    @Test
    void deactivationAndActivationAreAnnouncedOnlyWhenTheStatusChanges() {
        User user = stored(true, false);

        assertThat(user.activate(ADMIN, NOW)).as("already active").isFalse();
        assertThat(events(user)).isEmpty();

        assertThat(user.deactivate(ADMIN, NOW)).isTrue();
        assertThat(user.deactivate(ADMIN, NOW)).isFalse();
        assertThat(user.status()).isEqualTo(AccountStatus.DEACTIVATED);
        assertThat(user.activate(ADMIN, NOW)).isTrue();

        assertThat(events(user)).hasExactlyElementsOfTypes(UserDeactivated.class, UserActivated.class);
        assertThat(events(user))
                .allSatisfy(event -> assertThat(((UserEvent) event).actorId()).isEqualTo(ADMIN));
    }

    /** An account as the repository loads it: saved before, so no events pending. */
    private static User stored(boolean emailVerified, boolean emailChangeLocked) {
        return new User(
                UUID.randomUUID(),
                "ada@example.com",
                "Ada Lovelace",
                "{hash}",
                Role.USER,
                AccountStatus.ACTIVE,
                CREATED,
                CREATED,
                emailVerified,
                emailChangeLocked,
                3L);
    }

    /** What the repository would publish on save ({@code @DomainEvents} is protected on the aggregate root). */
    private static List<Object> events(User user) {
        Collection<Object> events = ReflectionTestUtils.invokeMethod(user, "domainEvents");
        return List.copyOf(events);
    }
}
