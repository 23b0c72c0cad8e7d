package dev.meridian.notification;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meridian.events.EmailChangeCancelled;
import dev.meridian.events.EmailChangeRequested;
import dev.meridian.events.EmailVerificationRequested;
import dev.meridian.events.EmailVerified;
import dev.meridian.events.PasswordResetRequested;
import dev.meridian.events.SignUpWithExistingEmail;
import dev.meridian.events.UserCreated;
import dev.meridian.events.UserUpdated;
import dev.meridian.testkit.ApiClient;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.SmtpServer;
import dev.meridian.testkit.TokenIssuer;
import dev.meridian.testkit.UserEventPublisher;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The mails of the account lifecycle: those with a link fetched from user-service's {@code /internal/mail-links}
 * (a real HTTP stand-in to the brief's contract, with a client-credentials token from a stand-in token endpoint),
 * and the notices written from the event alone. Real Kafka, PostgreSQL and SMTP.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            // A group of its own: another test class's context, cached in this JVM, must not take its partitions.
            "spring.kafka.consumer.group-id=notification-link-mail-it",
            "meridian.mail.links.poll-interval=200ms",
            "meridian.mail.links.initial-back-off=200ms",
            "meridian.mail.links.max-back-off=1s",
            "resilience4j.circuitbreaker.instances.user-service-mail-links.wait-duration-in-open-state=1s",
            "NOTIFICATION_SERVICE_CLIENT_SECRET=" + MailLinksStandIn.CLIENT_SECRET
        })
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
@ExtendWith(OutputCaptureExtension.class)
class LinkMailIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final SmtpServer SMTP = SmtpServer.startEmbedded();
    private static final TokenIssuer ISSUER = TokenIssuer.start("http://localhost:8080");
    private static final MailLinksStandIn STAND_IN = standIn();
    private static final UserEventPublisher PUBLISHER =
            new UserEventPublisher(KafkaBroker.shared().bootstrapServers());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", SMTP::host);
        registry.add("spring.mail.port", SMTP::port);
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER::issuer);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", ISSUER::jwkSetUri);
        registry.add("meridian.mail.links.url", STAND_IN::userServiceUrl);
        registry.add("spring.security.oauth2.client.provider.meridian.token-uri", STAND_IN::tokenUri);
    }

    @AfterAll
    static void stop() {
        PUBLISHER.close();
        STAND_IN.stop();
    }

    @Test
    void theVerificationMailCarriesTheFetchedLinkAndCodeWithTheNameEscapedAndNeitherIsLogged(CapturedOutput output)
            throws Exception {
        UUID user = UUID.randomUUID();
        UUID request = STAND_IN.request("verify");
        var event = new EmailVerificationRequested(
                UUID.randomUUID(), user, user, Instant.now(), address(user), "<script>alert(1)</script>", request);
        PUBLISHER.publish(event);

        MimeMessage mail = awaitMail(event.email());
        var minted = STAND_IN.last(request);
        assertThat(mail.getSubject()).isEqualTo("Confirm your email address for Meridian");
        assertThat(mail.getMessageID()).isEqualTo("<" + event.eventId() + ".email-verification@meridian.local>");
        String html = text(mail, "text/html");
        String plain = text(mail, "text/plain");
        assertThat(html)
                .doesNotContain("<script>")
                .contains("&lt;script&gt;", "href=\"" + minted.link() + "\"", minted.code());
        assertThat(plain).contains(minted.link(), minted.code());
        assertThat(STAND_IN.tokenRequests)
                .anySatisfy(
                        body -> assertThat(body).contains("grant_type=client_credentials", "scope=users.mail-links"));
        assertThat(awaitDelivery(event.eventId(), "EMAIL_VERIFICATION", "SENT")
                        .get("attempts")
                        .asInt())
                .isEqualTo(1);
        String token = minted.link().substring(minted.link().indexOf("token=") + "token=".length());
        assertThat(output.getAll()).doesNotContain(token).doesNotContain(minted.code());
    }

    @Test
    void aRequestUserServiceNoLongerHasIsSkippedWithTheReasonAndMailsNothing() {
        UUID user = UUID.randomUUID();
        UUID used = STAND_IN.request("reset-password");
        STAND_IN.close(used);
        var event =
                new PasswordResetRequested(UUID.randomUUID(), user, user, Instant.now(), address(user), "Ada", used);
        PUBLISHER.publish(event);

        JsonNode delivery = awaitDelivery(event.eventId(), "PASSWORD_RESET", "SKIPPED");
        assertThat(delivery.get("lastError").asString()).contains("410");
        String marker = publishMarker(user);
        awaitMail(marker);
        assertThat(SMTP.messagesTo(event.email())).isEmpty();
    }

    @Test
    void whileUserServiceIsDownTheListenerKeepsMailingAndTheLinkMailGoesOutOnceItIsBackExactlyOnce() throws Exception {
        UUID user = UUID.randomUUID();
        UUID request = STAND_IN.request("reset-password");
        var reset = new PasswordResetRequested(
                UUID.randomUUID(), user, user, Instant.now(), address(user), "Barbara", request);
        STAND_IN.stopUserService();
        try {
            PUBLISHER.publish(reset);
            PUBLISHER.publish(reset); // redelivered while due: still one mail
            // The same user's next event (same partition) is mailed at once: the listener does not wait.
            awaitMail(publishMarker(user), Duration.ofSeconds(10));
            await().atMost(PATIENCE)
                    .until(
                            () -> delivery(reset.eventId(), "PASSWORD_RESET"),
                            delivery -> delivery != null
                                    && delivery.get("status").asString().equals("DUE")
                                    && delivery.get("attempts").asInt() >= 3);
            assertThat(SMTP.messagesTo(reset.email())).isEmpty();
        } finally {
            STAND_IN.startUserService();
        }

        MimeMessage mail = awaitMail(reset.email());
        assertThat(text(mail, "text/plain")).contains(STAND_IN.last(request).link());
        awaitDelivery(reset.eventId(), "PASSWORD_RESET", "SENT");
        PUBLISHER.publish(reset); // redelivered after it was sent
        awaitMail(publishMarker(user));
        Thread.sleep(1_000); // a few rounds of the sender
        assertThat(SMTP.messagesTo(reset.email())).hasSize(1);
        assertThat(STAND_IN.minted.get(request)).hasSize(1);
    }

    @Test
    void anEmailChangeSendsTheConfirmationToTheNewAddressAndTheCancelLinkToTheCurrentOne() throws Exception {
        UUID user = UUID.randomUUID();
        String current = address(user);
        String next = "new-" + user + "@example.com";
        UUID confirm = STAND_IN.request("email-change");
        UUID cancel = STAND_IN.request("email-change/cancel");
        var event = new EmailChangeRequested(
                UUID.randomUUID(), user, user, Instant.now(), current, next, "Grace", confirm, cancel);
        PUBLISHER.publish(event);

        MimeMessage confirmation = awaitMail(next);
        MimeMessage notice = awaitMail(current);
        assertThat(confirmation.getSubject()).isEqualTo("Confirm your new Meridian sign-in email");
        assertThat(text(confirmation, "text/plain"))
                .contains(STAND_IN.last(confirm).link(), current)
                .doesNotContain(STAND_IN.last(cancel).link());
        assertThat(notice.getSubject()).isEqualTo("A change of your Meridian sign-in email was asked for");
        assertThat(text(notice, "text/html"))
                .contains(STAND_IN.last(cancel).link(), next, "wasn't you")
                .doesNotContain(STAND_IN.last(confirm).link());
    }

    @Test
    void noticesOfASignUpWithARegisteredAddressAndOfACancelledChangeNeedNoLinkFromUserService() throws Exception {
        UUID user = UUID.randomUUID();
        var attempt = new SignUpWithExistingEmail(UUID.randomUUID(), user, null, Instant.now(), address(user), "Ada");
        String other = "other-" + user + "@example.com";
        var cancelled = new EmailChangeCancelled(UUID.randomUUID(), user, user, Instant.now(), other, "Ada");
        PUBLISHER.publish(attempt);
        PUBLISHER.publish(cancelled);

        MimeMessage notice = awaitMail(attempt.email());
        assertThat(notice.getSubject()).isEqualTo("Someone tried to sign up to Meridian with your address");
        assertThat(text(notice, "text/plain"))
                .contains("http://localhost:8080/account/forgot-password", "http://localhost:8080/login")
                .doesNotContain("token=");
        MimeMessage cancelNotice = awaitMail(other);
        assertThat(cancelNotice.getSubject()).isEqualTo("Your Meridian email change was cancelled");
        assertThat(STAND_IN.minted).doesNotContainKey(attempt.eventId());
    }

    @Test
    void anUnverifiedAddressIsWelcomedOnlyOnceVerifiedAndGetsNoNoticeBefore() throws Exception {
        UUID user = UUID.randomUUID();
        String email = address(user);
        PUBLISHER.publish(
                new UserCreated(UUID.randomUUID(), user, user, Instant.now(), email, "Linus", Set.of("USER"), false));
        PUBLISHER.publish(new UserUpdated(
                UUID.randomUUID(),
                user,
                user,
                Instant.now(),
                Set.of(UserUpdated.PASSWORD),
                email,
                "Linus",
                null,
                null,
                false));
        var verified = new EmailVerified(UUID.randomUUID(), user, user, Instant.now(), email, "Linus");
        PUBLISHER.publish(verified);

        MimeMessage welcome = awaitMail(email);
        assertThat(welcome.getMessageID()).isEqualTo("<" + verified.eventId() + "@meridian.local>");
        awaitMail(publishMarker(user));
        assertThat(SMTP.messagesTo(email)).hasSize(1);
    }

    @Test
    void aLinkMailWithoutItsRequestIdIsADeadLetterNotADueMail() {
        UUID user = UUID.randomUUID();
        var event = new EmailVerificationRequested(
                UUID.randomUUID(), user, user, Instant.now(), address(user), "Ada", null);
        PUBLISHER.publish(event);
        awaitMail(publishMarker(user));
        assertThat(delivery(event.eventId(), null)).isNull();
    }

    private static MailLinksStandIn standIn() {
        try {
            return new MailLinksStandIn(ISSUER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String address(UUID user) {
        return "user-" + user + "@example.com";
    }

    private static String publishMarker(UUID userId) {
        String address = "marker-" + UUID.randomUUID() + "@example.com";
        PUBLISHER.publish(
                new UserCreated(UUID.randomUUID(), userId, userId, Instant.now(), address, "Marker", Set.of("USER")));
        return address;
    }

    private static String text(Part part, String contentType) throws Exception {
        if (part.isMimeType(contentType)) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                String text = text(multipart.getBodyPart(i), contentType);
                if (text != null) {
                    return text;
                }
            }
        }
        return null;
    }

    private static MimeMessage awaitMail(String address) {
        return awaitMail(address, PATIENCE);
    }

    private static MimeMessage awaitMail(String address, Duration patience) {
        return await().atMost(patience)
                .until(() -> SMTP.messagesTo(address), messages -> !messages.isEmpty())
                .getFirst();
    }

    private JsonNode awaitDelivery(UUID eventId, String kind, String status) {
        return await().atMost(PATIENCE)
                .until(
                        () -> delivery(eventId, kind),
                        delivery -> delivery != null
                                && delivery.get("status").asString().equals(status));
    }

    private JsonNode delivery(UUID eventId, String kind) {
        HttpResponse<String> response = new ApiClient("http://localhost:" + port)
                .get(
                        "/api/notifications/deliveries/" + eventId + (kind == null ? "" : "?kind=" + kind),
                        ISSUER.sign(ISSUER.claims(UUID.randomUUID().toString(), "notification-service")
                                .claim("roles", List.of("ADMIN"))
                                .build()));
        return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    }
}
