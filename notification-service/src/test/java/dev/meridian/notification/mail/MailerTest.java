package dev.meridian.notification.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meridian.notification.SmtpProxy;
import dev.meridian.testkit.SmtpServer;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/** Mailer against a real SMTP server (GreenMail), through a relay that counts connections and can hold a mail. */
class MailerTest {

    private static final SmtpServer SMTP = SmtpServer.shared();

    private SmtpProxy relay;
    private Mailer mailer;

    @BeforeEach
    void mailer() {
        relay = new SmtpProxy(SMTP.host(), SMTP.port());
        var smtp = new JavaMailSenderImpl();
        smtp.setHost("127.0.0.1");
        smtp.setPort(relay.port());
        smtp.setProtocol("smtp");
        var properties = new Properties();
        // A held mail fails in 3 s, as the service's 5 s timeouts would.
        properties.put("mail.smtp.timeout", "3000");
        smtp.setJavaMailProperties(properties);
        mailer = new Mailer(smtp, new MailSettings("Meridian <no-reply@meridian.test>", "meridian.test"));
    }

    @AfterEach
    void close() throws Exception {
        mailer.destroy();
        relay.close();
    }

    @Test
    void oneSendersMailsShareOneConnection() {
        for (int i = 0; i < 5; i++) {
            send(address());
        }
        assertThat(relay.connections()).isEqualTo(1);
    }

    @Test
    void aMailGoesOutWhileAnotherSendersMailWaitsForTheServer() throws Exception {
        send(address()); // an open connection, idle
        relay.holdNextMail();
        String held = address();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> send(held));
        await().atMost(Duration.ofSeconds(2)).until(() -> relay.held() == 1);

        String other = address();
        long started = System.nanoTime();
        send(other);

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("not queued behind the held mail's round trip")
                .isLessThan(Duration.ofSeconds(2));
        assertThat(waiting).as("the held mail is still waiting").isNotDone();
        assertThat(received(other)).hasSize(1);
        assertThat(relay.connections())
                .as("a second connection for the second sender")
                .isEqualTo(2);

        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
                .as("the held mail fails when the server does not answer")
                .hasCauseInstanceOf(MailSendException.class);
        assertThat(SMTP.messagesTo(held)).isEmpty();
        send(held);
        assertThat(received(held)).as("sent on the next attempt").hasSize(1);
    }

    @Test
    void aConnectionTheServerClosedIsReplacedAndTheMailStillGoesOut() {
        send(address());
        relay.dropConnections();

        String after = address();
        send(after);

        assertThat(received(after)).hasSize(1);
        assertThat(relay.connections()).isEqualTo(2);
    }

    private void send(String recipient) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("name", "Ada");
        variables.put("email", recipient);
        mailer.send(MailKind.WELCOME, recipient, variables, UUID.randomUUID());
    }

    private static List<MimeMessage> received(String address) {
        return await().atMost(Duration.ofSeconds(5)).until(() -> SMTP.messagesTo(address), mails -> !mails.isEmpty());
    }

    private static String address() {
        return "mailer-" + UUID.randomUUID() + "@example.com";
    }
}
