package dev.meridian.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fixed-rate client against a real HTTP server: the JDK's own, answering as each test needs. */
class FixedRateTest {

    private static final Duration WARM_UP = Duration.ofSeconds(1);
    private static final Duration MEASURED = Duration.ofSeconds(2);
    private static final byte[] BODY = "{\"id\":\"42\",\"name\":\"Reader\"}".getBytes(StandardCharsets.UTF_8);

    private final AtomicInteger received = new AtomicInteger();
    private HttpServer server;
    private ExecutorService executor;

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Test
    void sendsEveryRequestAtTheRateAndReadsChunkedAndSizedAnswers() throws Exception {
        String url = serve(Executors.newCachedThreadPool(), exchange -> {
            // Alternately chunked (in two writes, so an answer can arrive in parts) and with a Content-Length.
            if (received.incrementAndGet() % 2 == 0) {
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(BODY, 0, 10);
                    body.flush();
                    body.write(BODY, 10, BODY.length - 10);
                }
            } else {
                exchange.sendResponseHeaders(200, BODY.length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(BODY);
                }
            }
        });

        FixedRate result = FixedRate.run(url, "token", 200, WARM_UP, MEASURED);

        assertThat(result.errors()).isZero();
        assertThat(result.perSecond()).isCloseTo(200, within(10.0));
        // Evenly spaced against a local server the p50 is well under a millisecond (FixedRate's Javadoc), but CI has
        // measured 8 ms on this 2-core machine while other builds ran. A client that batches a second's requests, or
        // sends each only after the last answer and so queues behind the server, is charged from when each request was
        // due: its p50 is hundreds of milliseconds. 100 ms separates the two without timing the machine.
        assertThat(result.p50()).as("p50 in ms").isLessThan(100);
        assertThat(received).hasValue(200 * 3);
    }

    @Test
    void countsEveryAnswerButA200AsAnError() throws Exception {
        String url = serve(Executors.newCachedThreadPool(), exchange -> {
            int status = received.incrementAndGet() % 2 == 0 ? 429 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });

        FixedRate result = FixedRate.run(url, "token", 100, WARM_UP, MEASURED);

        assertThat(result.errors()).isEqualTo(100);
    }

    @Test
    void goesOnOnNewConnectionsWhenTheServerClosesOneAfterAnAnswer() throws Exception {
        String url = serve(Executors.newCachedThreadPool(), exchange -> {
            if (received.incrementAndGet() % 3 == 0) {
                exchange.getResponseHeaders().set("Connection", "close");
            }
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(BODY);
            }
        });

        FixedRate result = FixedRate.run(url, "token", 200, WARM_UP, MEASURED);

        assertThat(result.errors()).isZero();
        assertThat(received).hasValue(200 * 3);
    }

    @Test
    void chargesAServerThatFallsBehindForEveryRequestItHeldBack() throws Exception {
        // One answer at a time, 20 ms each: at most 50/s, asked for 100/s. A client that waits for answers before
        // sending would see ~20 ms per request; counted from when each request was due, the queue shows.
        String url = serve(Executors.newSingleThreadExecutor(), exchange -> {
            received.incrementAndGet();
            sleep(Duration.ofMillis(20));
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(BODY);
            }
        });

        FixedRate result = FixedRate.run(url, "token", 100, WARM_UP, MEASURED);

        assertThat(result.perSecond()).isLessThan(55);
        assertThat(result.p50()).isGreaterThan(500);
        assertThat(result.errors()).isZero();
    }

    private String serve(ExecutorService executor, HttpHandler handler) throws IOException {
        this.executor = executor;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(executor);
        server.createContext("/api/users/42", exchange -> {
            try (HttpExchange answered = exchange) {
                handler.handle(answered);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/users/42";
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
