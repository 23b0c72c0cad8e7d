package dev.meridian.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Load at a fixed rate, measured as wrk2 measures it: requests are sent evenly spaced whatever the answers (an open
 * model), and each latency is counted from the moment its request was due, so a stall is charged to every request it
 * held back (no coordinated omission).
 *
 * <p>hey, used before, sends in bursts at a "fixed rate": its workers' tickers start together, so 16 workers send 16
 * requests at the same instant and each burst queues behind itself (measured 2026-11-27 at 1,000/s, side by side:
 * p50 directly 2.4 ms with hey, 0.33 ms evenly spaced; through the gateway 6.1 ms and 1.0 ms). The JDK's HttpClient
 * spaces requests evenly but cost ~340 µs of CPU per request here (hey ~130), on the same two cores as everything
 * measured; so this is its own small HTTP/1.1 client, ~80–100 µs per request: keep-alive connections, one thread
 * sending on schedule and one reading the answers.
 */
record FixedRate(double perSecond, double p50, double p99, long errors) {

    /** The client's connections and JIT are warmed up first, at the same rate, unmeasured. */
    static final Duration WARM_UP = Duration.ofSeconds(5);

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);

    /** As many as the saturation runs' largest (64): past them a server that falls behind queues requests here. */
    static final int CONNECTIONS = 64;

    static FixedRate run(String url, String token, int rate, Duration duration)
            throws IOException, InterruptedException {
        return run(url, token, rate, WARM_UP, duration);
    }

    static FixedRate run(String url, String token, int rate, Duration warmUp, Duration duration)
            throws IOException, InterruptedException {
        URI uri = URI.create(url);
        String request = "GET %s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n\r\n"
                .formatted(uri.getRawPath(), uri.getHost(), uri.getPort(), token);
        try (var client = new Client(
                new InetSocketAddress(uri.getHost(), uri.getPort()), request.getBytes(StandardCharsets.US_ASCII))) {
            client.send(rate, warmUp);
            return client.send(rate, duration);
        }
    }

    String row(String path) {
        return "| %s | %.0f | %.2f | %.2f | %d |%n".formatted(path, perSecond, p50, p99, errors);
    }

    /** The answers to one run of requests, recorded by the reading thread only. */
    private static final class Run {
        final long[] latencies;
        final CountDownLatch answered;
        long errors;
        long lastAnswer;

        Run(int count) {
            latencies = new long[count];
            answered = new CountDownLatch(count);
        }

        void answer(int index, long latency, long now, boolean ok) {
            latencies[index] = latency;
            lastAnswer = now;
            if (!ok) {
                errors++;
            }
            answered.countDown();
        }

        FixedRate result(long start) throws InterruptedException {
            if (!answered.await(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(answered.getCount() + " requests not answered in " + ANSWER_TIMEOUT);
            }
            Arrays.sort(latencies);
            return new FixedRate(
                    latencies.length * 1e9 / (lastAnswer - start),
                    millis(latencies, 0.50),
                    millis(latencies, 0.99),
                    errors);
        }

        private static double millis(long[] sortedNanos, double percentile) {
            return sortedNanos[(int) Math.ceil(percentile * sortedNanos.length) - 1] / 1e6;
        }
    }

    /** A request on its way: which run it belongs to, its place there and when it was due. */
    private record Sent(Run run, int index, long due) {

        void answered(long now, boolean ok) {
            run.answer(index, now - due, now, ok);
        }
    }

    private static final class Client implements AutoCloseable {
        private final InetSocketAddress address;
        private final ByteBuffer request;
        private final Selector selector = Selector.open();
        private final BlockingQueue<Connection> idle = new LinkedBlockingQueue<>();
        private final AtomicInteger open = new AtomicInteger();
        private final Queue<Connection> toRegister = new ConcurrentLinkedQueue<>();
        private final Thread reader =
                Thread.ofPlatform().daemon().name("fixed-rate-reader").unstarted(this::read);

        Client(InetSocketAddress address, byte[] request) throws IOException {
            this.address = address;
            this.request = ByteBuffer.wrap(request).asReadOnlyBuffer();
            reader.start();
        }

        FixedRate send(int rate, Duration duration) throws IOException, InterruptedException {
            Run run = new Run((int) (rate * duration.toMillis() / 1000));
            long start = System.nanoTime();
            for (int i = 0; i < run.latencies.length; i++) {
                long due = start + Math.round(i * 1e9 / rate);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                send(new Sent(run, i, due));
            }
            return run.result(start);
        }

        /**
         * On an idle connection, else a new one, else — all {@link FixedRate#CONNECTIONS} busy, the server behind — as soon as
         * one is free: the wait counts in the request's latency. A server may close a connection after any answer.
         */
        private void send(Sent sent) throws IOException, InterruptedException {
            while (true) {
                Connection connection = idle.poll();
                while (connection == null) {
                    // Re-checked every millisecond: a busy connection may close instead of coming back.
                    connection = open.get() < CONNECTIONS ? open() : idle.poll(1, TimeUnit.MILLISECONDS);
                }
                if (connection.send(sent, request.duplicate())) {
                    return;
                }
                connection.close();
            }
        }

        private Connection open() throws IOException {
            open.incrementAndGet();
            SocketChannel channel = SocketChannel.open(address);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            Connection connection = new Connection(channel, open);
            toRegister.add(connection);
            selector.wakeup();
            return connection;
        }

        private void read() {
            try {
                while (selector.isOpen()) {
                    selector.select();
                    for (Connection opened; (opened = toRegister.poll()) != null; ) {
                        opened.channel.register(selector, SelectionKey.OP_READ, opened);
                    }
                    long now = System.nanoTime();
                    for (SelectionKey key : selector.selectedKeys()) {
                        Connection connection = (Connection) key.attachment();
                        if (connection.read(now)) {
                            idle.add(connection);
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException | ClosedSelectorException e) {
                if (selector.isOpen()) {
                    throw new UncheckedIOException(new IOException("The fixed-rate client stopped reading", e));
                }
            }
        }

        @Override
        public void close() throws IOException {
            selector.close();
            for (Connection connection : idle) {
                connection.close();
            }
        }
    }

    /** One keep-alive connection: at most one request outstanding, its answer read into one buffer. */
    private static final class Connection {
        final SocketChannel channel;
        private final AtomicInteger open;
        private final ByteBuffer received = ByteBuffer.allocate(64 * 1024);
        private volatile Sent sent;

        Connection(SocketChannel channel, AtomicInteger open) {
            this.channel = channel;
            this.open = open;
        }

        void close() throws IOException {
            if (channel.isOpen()) {
                channel.close();
                open.decrementAndGet();
            }
        }

        /** False if the server has closed this connection meanwhile. */
        boolean send(Sent request, ByteBuffer bytes) {
            sent = request;
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                return true;
            } catch (IOException closed) {
                sent = null;
                return false;
            }
        }

        /** Reads what has arrived; true once the whole answer is in and the connection is free again. */
        boolean read(long now) throws IOException {
            int read;
            try {
                read = channel.read(received);
            } catch (IOException reset) {
                read = -1;
            }
            Sent request = sent;
            if (read < 0 || !received.hasRemaining()) {
                close();
                if (request != null) {
                    request.answered(now, false);
                }
                return false;
            }
            Answer answer = Answer.parse(received.array(), received.position());
            if (answer == null) {
                return false;
            }
            received.clear();
            sent = null;
            request.answered(now, answer.status() == 200);
            if (answer.closing()) {
                close();
            }
            return !answer.closing();
        }
    }

    /**
     * Just enough HTTP/1.1 to tell where an answer ends (Content-Length, or chunked without trailers), its status, and
     * whether the server closes the connection after it (Tomcat does every 100 requests).
     */
    private record Answer(int status, boolean closing) {

        /** The complete answer at the start of {@code bytes[0, end)}, or null if more is to come. */
        static Answer parse(byte[] bytes, int end) {
            int body = indexOf(bytes, 0, end, "\r\n\r\n") + 4;
            if (body < 4) {
                return null;
            }
            String headers = new String(bytes, 0, body, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            // "http/1.1 200 ..."
            var answer =
                    new Answer(Integer.parseInt(headers.substring(9, 12)), headers.contains("\r\nconnection: close"));
            int contentLength = headers.indexOf("\r\ncontent-length:");
            if (contentLength >= 0) {
                int from = contentLength + "\r\ncontent-length:".length();
                int length = Integer.parseInt(
                        headers.substring(from, headers.indexOf('\r', from)).strip());
                return body + length <= end ? answer : null;
            }
            if (!headers.contains("\r\ntransfer-encoding: chunked")) {
                return answer;
            }
            for (int chunk = body; ; ) {
                int lineEnd = indexOf(bytes, chunk, end, "\r\n");
                if (lineEnd < 0) {
                    return null;
                }
                String sizeLine = new String(bytes, chunk, lineEnd - chunk, StandardCharsets.ISO_8859_1);
                int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
                chunk = lineEnd + 2 + size + 2;
                if (chunk > end) {
                    return null;
                }
                if (size == 0) {
                    return answer;
                }
            }
        }

        private static int indexOf(byte[] bytes, int from, int end, String ascii) {
            outer:
            for (int i = from; i <= end - ascii.length(); i++) {
                for (int j = 0; j < ascii.length(); j++) {
                    if (bytes[i + j] != ascii.charAt(j)) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
