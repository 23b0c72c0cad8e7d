package dev.meridian.system.faults;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SMTP server of the fault scenario (GreenMail in the test JVM) that can be stopped and started at the same
 * address without forgetting what it received — the testkit's forgets, and the reconciliation counts every mail of
 * the run — plus the people's inboxes, over HTTP for the load generator: {@code GET /code?to=<address>} answers the
 * code of the verification mail to that address (404 while none has come). Reading one's mail is not a request to
 * the platform, so it does not go through the gateways.
 */
final class MailCatcher implements AutoCloseable {

    /** One mail as received: to whom, its subject, its Message-ID, its text. */
    record Mail(String to, String subject, String messageId, String text, long receivedAt) {}

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    private final int port;
    private final List<Mail> earlier = new ArrayList<>();
    /**
     * The current server's mails read so far, by the message GreenMail holds (parsing them all on every look-up would
     * cost a core). Not by position: GreenMail lists its messages mailbox by mailbox, not in the order they came, so a
     * new mail to one person lands amid the others' — read by position, the first fault run counted some mails twice
     * and others never (a third of the verification mails "duplicated" or "missing" with no fault at all).
     */
    private final Map<MimeMessage, Mail> current = new IdentityHashMap<>();

    private GreenMail greenMail;
    private final HttpServer inbox;

    MailCatcher(int port) throws IOException {
        this.port = port;
        start();
        inbox = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        inbox.createContext("/code", exchange -> {
            String to = java.net.URLDecoder.decode(
                    exchange.getRequestURI().getRawQuery().replaceFirst("^to=", ""), StandardCharsets.UTF_8);
            String code = mails().stream()
                    .filter(m -> m.to().equalsIgnoreCase(to) && m.subject().startsWith("Confirm your email"))
                    .map(m -> code(m.text()))
                    .filter(c -> c != null)
                    .reduce((earlier, later) -> later) // the newest mail's code is the one that counts
                    .orElse(null);
            byte[] body = (code == null ? "" : code).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code == null ? 404 : 200, code == null ? -1 : body.length);
            if (code != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        inbox.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        inbox.start();
    }

    String inboxUrl() {
        return "http://127.0.0.1:" + inbox.getAddress().getPort();
    }

    int port() {
        return port;
    }

    /** SMTP refuses connections from now until {@link #start()}; what came so far is kept. */
    synchronized void stop() {
        earlier.addAll(currentMails());
        current.clear();
        greenMail.stop();
        greenMail = null;
    }

    synchronized void start() {
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }

    /** Every mail received in this run, across restarts, duplicates included. */
    synchronized List<Mail> mails() {
        List<Mail> all = new ArrayList<>(earlier);
        if (greenMail != null) {
            all.addAll(currentMails());
        }
        return all;
    }

    private List<Mail> currentMails() {
        MimeMessage[] received = greenMail.getReceivedMessages();
        List<Mail> mails = new ArrayList<>(received.length);
        for (MimeMessage message : received) {
            mails.add(current.computeIfAbsent(message, MailCatcher::read));
        }
        if (current.size() > received.length) {
            // GreenMail handed out new objects for messages it had: the counts above could not be trusted.
            throw new IllegalStateException("GreenMail's messages are not stable objects; " + current.size()
                    + " read for " + received.length + " received");
        }
        mails.sort(java.util.Comparator.comparingLong(Mail::receivedAt));
        return mails;
    }

    private static Mail read(MimeMessage message) {
        {
            try {
                Address[] recipients = message.getAllRecipients();
                String to = recipients != null && recipients.length > 0 && recipients[0] instanceof InternetAddress a
                        ? a.getAddress()
                        : "";
                var text = new StringBuilder();
                collect(message, text);
                long received = message.getReceivedDate() == null
                        ? 0
                        : message.getReceivedDate().getTime();
                return new Mail(to, message.getSubject(), message.getMessageID(), text.toString(), received);
            } catch (Exception e) {
                throw new IllegalStateException("Unreadable mail", e);
            }
        }
    }

    private static void collect(Part part, StringBuilder text) throws Exception {
        if (part.isMimeType("text/plain")) {
            text.append(part.getContent());
        } else if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart body = multipart.getBodyPart(i);
                collect(body, text);
            }
        }
    }

    /** The six-digit code outside the links (a link's token may hold six digits). */
    private static String code(String text) {
        Matcher code = CODE.matcher(text.replaceAll("https?://\\S+", ""));
        return code.find() ? code.group(1) : null;
    }

    @Override
    public synchronized void close() {
        inbox.stop(0);
        if (greenMail != null) {
            greenMail.stop();
        }
    }
}
