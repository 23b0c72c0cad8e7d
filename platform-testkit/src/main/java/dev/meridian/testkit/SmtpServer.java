package dev.meridian.testkit;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * A real SMTP server, one per JVM: {@code MERIDIAN_SMTP_URL} ({@code smtp://host:port}), else GreenMail's
 * standalone container, else GreenMail in this JVM. Only the in-JVM server lets a test read what it received.
 */
public final class SmtpServer {

    public static final String URL_VARIABLE = "MERIDIAN_SMTP_URL";

    private static final Logger log = LoggerFactory.getLogger(SmtpServer.class);
    private static final int GREENMAIL_SMTP_PORT = 3025;
    private static SmtpServer shared;

    private final String host;
    private final int port;
    private final Origin origin;
    private GreenMail greenMail;

    private SmtpServer(String host, int port, Origin origin, GreenMail greenMail) {
        this.host = host;
        this.port = port;
        this.origin = origin;
        this.greenMail = greenMail;
    }

    /** The JVM's server, resolved and started on first use. */
    public static synchronized SmtpServer shared() {
        if (shared == null) {
            shared = Settings.get(URL_VARIABLE)
                    .map(SmtpServer::connectTo)
                    .orElseGet(() -> Docker.available() ? startContainer() : startEmbedded());
            log.info("SMTP ({}) at {}:{}", shared.origin, shared.host, shared.port);
        }
        return shared;
    }

    /** A server somebody else runs; fails at once, naming the URL, when it is malformed or does not greet. */
    public static SmtpServer connectTo(String url) {
        var address = Endpoints.parse(URL_VARIABLE, url, "smtp", 25);
        String greeting = Endpoints.firstLine(
                "SMTP (" + URL_VARIABLE + ")", address.host(), address.port(), Endpoints.ascii("QUIT\r\n"));
        if (!greeting.startsWith("220")) {
            throw new InfrastructureUnavailableException(
                    URL_VARIABLE + "=" + url + " did not greet like an SMTP server: " + greeting);
        }
        return new SmtpServer(address.host(), address.port(), Origin.CONFIGURED, null);
    }

    public static SmtpServer startEmbedded() {
        var greenMail = new GreenMail(new ServerSetup(Endpoints.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        try {
            greenMail.start();
        } catch (RuntimeException e) {
            throw new InfrastructureUnavailableException("Embedded SMTP server (GreenMail) did not start", e);
        }
        var server = new SmtpServer("127.0.0.1", greenMail.getSmtp().getPort(), Origin.EMBEDDED, greenMail);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.embedded().stop(), "greenmail-stop"));
        return server;
    }

    private static SmtpServer startContainer() {
        var container = new GenericContainer<>("greenmail/standalone:2.1.3").withExposedPorts(GREENMAIL_SMTP_PORT);
        container.start();
        return new SmtpServer(
                container.getHost(), container.getMappedPort(GREENMAIL_SMTP_PORT), Origin.CONTAINER, null);
    }

    /** Waits until the server has received at least {@code count} messages; returns all it has received. */
    public List<MimeMessage> awaitMessages(int count, Duration timeout) {
        embedded().waitForIncomingEmail(timeout.toMillis(), count);
        return List.of(embedded().getReceivedMessages());
    }

    /** What the server has received for {@code address} so far. */
    public List<MimeMessage> messagesTo(String address) {
        return Arrays.stream(embedded().getReceivedMessages())
                .filter(message -> addressedTo(message, address))
                .toList();
    }

    private static boolean addressedTo(MimeMessage message, String address) {
        try {
            Address[] recipients = message.getAllRecipients();
            return recipients != null
                    && Arrays.stream(recipients)
                            .anyMatch(recipient -> recipient instanceof InternetAddress internet
                                    && internet.getAddress().equalsIgnoreCase(address));
        } catch (MessagingException e) {
            throw new IllegalStateException("Unreadable message received", e);
        }
    }

    /** Stops the in-JVM server: connections are refused until {@link #start()}. What it received is forgotten. */
    public synchronized void stop() {
        embedded().stop();
    }

    /** Starts the in-JVM server again at the same address. */
    public synchronized void start() {
        GreenMail restarted = new GreenMail(new ServerSetup(port, host, ServerSetup.PROTOCOL_SMTP));
        restarted.start();
        greenMail = restarted;
    }

    private synchronized GreenMail embedded() {
        if (greenMail == null) {
            throw new IllegalStateException(
                    "Only the in-JVM SMTP server can be read or stopped; this one is " + origin);
        }
        return greenMail;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Origin origin() {
        return origin;
    }
}
