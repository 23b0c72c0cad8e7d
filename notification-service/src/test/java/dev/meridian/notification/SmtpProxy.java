package dev.meridian.notification;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of a real SMTP server that hangs after a given number of mails: the next {@code MAIL FROM}
 * is neither passed on nor answered, as a hung mail server does. The sender then waits for an answer, every mail
 * before it taken by the server (the sender starts a mail only when the last one was accepted) and none half-sent,
 * which gives a test a moment to kill it at. Mailer keeps each connection for many mails, so mails are counted, not
 * connections (which are counted apart).
 */
public final class SmtpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger mails = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicBoolean holdNext = new AtomicBoolean();
    private volatile int mailsAtMost = Integer.MAX_VALUE;

    public SmtpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Mails after the first {@code count} are held at their {@code MAIL FROM}, unanswered. */
    public void stallAfter(int count) {
        mailsAtMost = count;
    }

    /** The next mail only is held at its {@code MAIL FROM}, unanswered; the ones after it pass. */
    public void holdNextMail() {
        holdNext.set(true);
    }

    /** Mails held, unanswered. */
    public int held() {
        return held.get();
    }

    /** Connections clients have opened. */
    public int connections() {
        return connections.get();
    }

    /** Closes every connection open now, as a mail server that restarts does; new ones are taken as before. */
    public void dropConnections() {
        open.forEach(SmtpProxy::closeQuietly);
        open.clear();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                connections.incrementAndGet();
                open.add(client);
                Socket server = new Socket(targetHost, targetPort);
                open.add(server);
                Thread.ofVirtual().start(() -> commands(client, server));
                Thread.ofVirtual().start(() -> answers(server, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** The client's lines, passed on one by one until a mail past the limit begins. */
    private void commands(Socket client, Socket server) {
        try (InputStream in = new BufferedInputStream(client.getInputStream());
                OutputStream out = server.getOutputStream()) {
            var line = new ByteArrayOutputStream();
            for (int b = in.read(); b != -1; b = in.read()) {
                line.write(b);
                if (b != '\n') {
                    continue;
                }
                String text = line.toString(StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
                if (text.startsWith("MAIL FROM")
                        && (mails.incrementAndGet() > mailsAtMost || holdNext.compareAndSet(true, false))) {
                    held.incrementAndGet();
                    in.transferTo(OutputStream.nullOutputStream());
                    return;
                }
                line.writeTo(out);
                out.flush();
                line.reset();
            }
        } catch (IOException ended) {
            // either side closed
        } finally {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private static void answers(Socket server, Socket client) {
        try (InputStream in = server.getInputStream();
                OutputStream out = client.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException ended) {
            // either side closed
        } finally {
            closeQuietly(server);
            closeQuietly(client);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        open.forEach(SmtpProxy::closeQuietly);
    }
}
