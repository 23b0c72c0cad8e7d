package dev.meridian.audit;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.EmailChangeCancelled;
import dev.meridian.events.EmailChangeRequested;
import dev.meridian.events.EmailVerificationRequested;
import dev.meridian.events.EmailVerified;
import dev.meridian.events.PasswordResetRequested;
import dev.meridian.events.SessionsRevoked;
import dev.meridian.events.SignUpWithExistingEmail;
import dev.meridian.events.UserDeleted;
import dev.meridian.events.UserEvent;
import dev.meridian.events.UserEvents;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.UserEventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Each event type of the account lifecycle lands in the user's stream with its summary, and no secret in it. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"eureka.client.enabled=false"})
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class AuditSummaryIT {

    private static final UserEventPublisher PUBLISHER =
            new UserEventPublisher(KafkaBroker.shared().bootstrapServers());
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UUID REQUEST = UUID.randomUUID();
    private static final UUID CANCEL = UUID.randomUUID();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void tokens(DynamicPropertyRegistry registry) {
        AuditApi.trustIssuer(registry);
    }

    @AfterAll
    static void closePublisher() {
        PUBLISHER.close();
    }

    static Stream<Arguments> lifecycleEvents() {
        Instant now = Instant.now();
        return Stream.<Function<UUID, Object[]>>of(
                        user -> new Object[] {
                            new EmailVerificationRequested(
                                    UUID.randomUUID(), user, user, now, "ada@example.com", "Ada", REQUEST),
                            "Verification mail asked for, to ada@example.com, by the user"
                        },
                        user -> new Object[] {
                            new EmailVerified(UUID.randomUUID(), user, user, now, "ada@example.com", "Ada"),
                            "Email address ada@example.com verified, by the user"
                        },
                        user -> new Object[] {
                            new SignUpWithExistingEmail(UUID.randomUUID(), user, null, now, "ada@example.com", "Ada"),
                            "Someone tried to sign up with the account's address ada@example.com"
                        },
                        user -> new Object[] {
                            new PasswordResetRequested(
                                    UUID.randomUUID(), user, null, now, "ada@example.com", "Ada", REQUEST),
                            "Password reset asked for, mail to ada@example.com, by the system"
                        },
                        user -> new Object[] {
                            new EmailChangeRequested(
                                    UUID.randomUUID(),
                                    user,
                                    user,
                                    now,
                                    "ada@example.com",
                                    "new@example.com",
                                    "Ada",
                                    REQUEST,
                                    CANCEL),
                            "Email change asked for, from ada@example.com to new@example.com"
                        },
                        user -> new Object[] {
                            new EmailChangeCancelled(UUID.randomUUID(), user, null, now, "ada@example.com", "Ada"),
                            "Email change cancelled from ada@example.com"
                        },
                        user -> new Object[] {
                            new SessionsRevoked(UUID.randomUUID(), user, user, now, List.of("a1"), false),
                            "Sessions revoked (1 session), by the user"
                        },
                        user -> new Object[] {
                            new UserDeleted(UUID.randomUUID(), user, null, now, "never-verified"),
                            "Account deleted (never-verified), by the system"
                        })
                .map(make -> {
                    Object[] made = make.apply(UUID.randomUUID());
                    return Arguments.of(((UserEvent) made[0]).type(), made[0], made[1]);
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lifecycleEvents")
    void theEventIsInTheUsersStreamWithItsSummaryAndNoSecret(String type, UserEvent event, String summary) {
        String source = event instanceof SessionsRevoked ? UserEvents.AUTH_SOURCE : UserEvents.SOURCE;
        PUBLISHER.publish(
                event.userId().toString(), JSON.writeValueAsString(event), CloudEventHeaders.of(event, source));

        var api = new AuditApi("http://localhost:" + port);
        List<JsonNode> stream = await().atMost(Duration.ofSeconds(30))
                .until(() -> api.stream(event.userId()), entries -> entries.size() == 1);

        JsonNode entry = stream.getFirst();
        assertThat(entry.get("type").asString()).isEqualTo(type);
        assertThat(entry.get("summary").asString())
                .contains(summary)
                .doesNotContain(REQUEST.toString(), CANCEL.toString());
        assertThat(entry.toString()).doesNotContain("token=", "\"code\"", "\"link\"");
    }
}
