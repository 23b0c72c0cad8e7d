package dev.meridian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SmtpServerIT {

    private static SmtpServer embedded;

    @BeforeAll
    static void startEmbedded() {
        embedded = SmtpServer.startEmbedded();
    }

    @Test
    void embeddedServerReceivesMailSentOverSmtp() throws MessagingException {
        String subject = "embedded " + UUID.randomUUID();

        send(embedded.host(), embedded.port(), subject);

        assertThat(embedded.awaitMessages(1, Duration.ofSeconds(10)))
                .extracting(MimeMessage::getSubject)
                .contains(subject);
    }

    @Test
    void configuredServerIsReachedThroughItsUrl() throws MessagingException {
        var configured = SmtpServer.connectTo("smtp://" + embedded.host() + ":" + embedded.port());
        String subject = "configured " + UUID.randomUUID();

        send(configured.host(), configured.port(), subject);

        assertThat(configured.origin()).isEqualTo(Origin.CONFIGURED);
        assertThat(embedded.awaitMessages(2, Duration.ofSeconds(10)))
                .extracting(MimeMessage::getSubject)
                .contains(subject);
    }

    @Test
    void unreachableConfiguredServerFailsNamingTheSetting() {
        assertThatThrownBy(() -> SmtpServer.connectTo("smtp://127.0.0.1:1"))
                .isInstanceOf(InfrastructureUnavailableException.class)
                .hasMessageContaining("MERIDIAN_SMTP_URL")
                .hasMessageContaining("127.0.0.1:1 is not reachable");
    }

    private static void send(String host, int port, String subject) throws MessagingException {
        var properties = new Properties();
        properties.put("mail.smtp.host", host);
        properties.put("mail.smtp.port", String.valueOf(port));
        var message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress("noreply@meridian.dev"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("ada@example.com"));
        message.setSubject(subject);
        message.setText("Welcome to Meridian");
        Transport.send(message);
    }
}
