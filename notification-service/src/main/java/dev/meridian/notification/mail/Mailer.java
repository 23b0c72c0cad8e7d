package dev.meridian.notification.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * Renders a {@link MailKind}'s templates (HTML and plain text alternatives) and sends the mail over SMTP, on
 * connections kept open between mails: opening an SMTP session costs far more than a mail sent on an open one
 * (~45 ms against ~1 ms with GreenMail here). Each sender (a listener thread per partition group, the due-mail
 * sender) takes an idle connection or opens one, and gives it back after the mail: as many connections as mails
 * sent at once, and no sender waits for another's SMTP round trip. A connection the server has closed is noticed
 * (NOOP) and replaced.
 */
@Component
@EnableConfigurationProperties(MailSettings.class)
public class Mailer implements DisposableBean {

    static {
        // Jakarta Mail finds its StreamProvider with a ServiceLoader scan of the classpath for every part it builds,
        // which cost more than rendering and sending the mail; naming the implementation skips the scan.
        System.getProperties()
                .putIfAbsent("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }

    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    private final JavaMailSenderImpl smtp;
    private final MailSettings settings;
    private final TemplateEngine templates = new TemplateEngine();
    /** Open connections no sender is using; the most recently used first (the likeliest to be still open). */
    private final Deque<Transport> idle = new ConcurrentLinkedDeque<>();

    Mailer(JavaMailSenderImpl smtp, MailSettings settings) {
        this.smtp = smtp;
        this.settings = settings;
        templates.addTemplateResolver(resolver("*.html", TemplateMode.HTML));
        templates.addTemplateResolver(resolver("*.txt", TemplateMode.TEXT));
    }

    /**
     * Sends one mail; {@code eventId} and {@code kind} make its {@code Message-ID}. Throws {@link MailPreparationException} when the
     * mail cannot be built (no retry helps) and {@link org.springframework.mail.MailSendException} when SMTP fails.
     */
    public void send(MailKind kind, String recipient, Map<String, Object> variables, UUID eventId) {
        var context = new Context(Locale.ENGLISH, variables);
        String messageId = "<" + kind.messageIdLocalPart(eventId) + "@" + settings.messageIdDomain() + ">";
        MimeMessage message = new MimeMessage(smtp.getSession()) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId); // not a random one: see MailSettings
            }
        };
        try {
            var plain = new MimeBodyPart();
            plain.setText(templates.process(kind.template() + ".txt", context), UTF_8, "plain");
            var html = new MimeBodyPart();
            html.setText(templates.process(kind.template() + ".html", context), UTF_8, "html");
            message.setFrom(new InternetAddress(settings.from(), true));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(recipient, true));
            message.setSubject(kind.subject(), UTF_8);
            message.setContent(new MimeMultipart("alternative", plain, html));
            message.saveChanges();
        } catch (MessagingException e) {
            throw new MailPreparationException("Could not build the " + kind + " mail to " + recipient, e);
        }
        send(message);
    }

    private void send(MimeMessage message) {
        Transport connection = idle.pollFirst();
        try {
            if (connection == null || !connection.isConnected()) {
                close(connection);
                connection = smtp.getSession().getTransport(smtp.getProtocol());
                connection.connect(smtp.getHost(), smtp.getPort(), smtp.getUsername(), smtp.getPassword());
            }
            connection.sendMessage(message, message.getAllRecipients());
            idle.offerFirst(connection);
        } catch (MessagingException e) {
            close(connection); // the next attempt starts on another connection
            throw new MailSendException("SMTP " + smtp.getHost() + ":" + smtp.getPort() + " did not take the mail", e);
        }
    }

    @Override
    public void destroy() {
        for (Transport connection = idle.pollFirst(); connection != null; connection = idle.pollFirst()) {
            close(connection);
        }
    }

    private static void close(Transport connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (MessagingException alreadyGone) {
                // nothing to close
            }
        }
    }

    private static ClassLoaderTemplateResolver resolver(String pattern, TemplateMode mode) {
        var resolver = new ClassLoaderTemplateResolver();
        resolver.setPrefix("mail/");
        resolver.getResolvablePatternSpec().addPattern(pattern);
        resolver.setTemplateMode(mode);
        resolver.setCharacterEncoding(UTF_8);
        return resolver;
    }
}
