package dev.meridian.system;

import dev.meridian.testkit.SmtpServer;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * The mail the platform sent, as the testkit's SMTP server (GreenMail, in this JVM) caught it: what a user would read
 * in their inbox, its text part searched for the link or code they would follow.
 */
final class Mailbox {

    /** notification-service sends within seconds; the bound allows for a start-up retry of its link fetch. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    private Mailbox() {}

    /** One mail to {@code address} whose subject contains {@code subject}, as it was received. */
    record Mail(String subject, String text, String html) {

        /** The first link in the text that goes to {@code path} (e.g. {@code /account/verify}), query included. */
        String link(String path) {
            Matcher link = Pattern.compile("https?://[^\\s\"<>]*" + Pattern.quote(path) + "[^\\s\"<>]*")
                    .matcher(text);
            if (!link.find()) {
                throw new AssertionError("No link to " + path + " in the mail \"" + subject + "\":\n" + text);
            }
            return link.group();
        }

        /** The six-digit code in the text. */
        String code() {
            // Outside the links: a link's token may hold six digits between dashes.
            Matcher code = CODE.matcher(text.replaceAll("https?://\\S+", ""));
            if (!code.find()) {
                throw new AssertionError("No code in the mail \"" + subject + "\":\n" + text);
            }
            return code.group(1);
        }
    }

    /** Waits for the {@code nth} (from 1) mail to {@code address} with {@code subject} in its subject. */
    static Mail await(String address, String subject, int nth) {
        return Awaitility.await()
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> nth(address, subject, nth), Optional::isPresent)
                .orElseThrow();
    }

    static Mail await(String address, String subject) {
        return await(address, subject, 1);
    }

    /** Every mail received for {@code address} so far, with {@code subject} in its subject. */
    static List<Mail> all(String address, String subject) {
        return SmtpServer.shared().messagesTo(address).stream()
                .map(Mailbox::read)
                .filter(mail -> mail.subject().toLowerCase().contains(subject.toLowerCase()))
                .toList();
    }

    private static Optional<Mail> nth(String address, String subject, int nth) {
        List<Mail> mails = all(address, subject);
        return mails.size() < nth ? Optional.empty() : Optional.of(mails.get(nth - 1));
    }

    private static Mail read(MimeMessage message) {
        try {
            var text = new StringBuilder();
            var html = new StringBuilder();
            collect(message, text, html);
            return new Mail(message.getSubject(), text.toString(), html.toString());
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("Unreadable mail", e);
        }
    }

    private static void collect(Part part, StringBuilder text, StringBuilder html)
            throws MessagingException, IOException {
        if (part.isMimeType("text/plain")) {
            text.append(part.getContent());
        } else if (part.isMimeType("text/html")) {
            html.append(part.getContent());
        } else if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart body = multipart.getBodyPart(i);
                collect(body, text, html);
            }
        }
    }
}
