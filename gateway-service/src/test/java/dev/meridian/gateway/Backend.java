package dev.meridian.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP service instance for the gateway to route to: it answers every request with JSON naming itself, and
 * records what it received (path, headers) so tests can see what the gateway passed on. It can be made slow, made to
 * fail, stopped and started again on the same port. Its readiness probe ({@code /readyz}, the gateway's health check)
 * answers 200 while it runs, whatever the other requests get, and is counted apart from them.
 */
final class Backend implements AutoCloseable {

    record Received(String method, String path, Map<String, List<String>> headers) {}

    private final String name;
    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger probes = new AtomicInteger();
    private volatile Duration delay = Duration.ZERO;
    private volatile HttpServer server;

    private Backend(String name, int port) {
        this.name = name;
        this.port = port;
    }

    static Backend start(String name) {
        var backend = new Backend(name, dev.meridian.testkit.ServiceProcess.freePort());
        backend.start();
        return backend;
    }

    /** {@code true} when it was stopped and runs now. */
    synchronized boolean start() {
        if (server != null) {
            return false;
        }
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::answer);
        server.createContext("/readyz", this::ready);
        server.start();
        return true;
    }

    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    void answerWith(int status) {
        this.status.set(status);
    }

    void delayBy(Duration delay) {
        this.delay = delay;
    }

    String uri() {
        return "http://127.0.0.1:" + port;
    }

    String name() {
        return name;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /** The readiness probes it answered. */
    int probes() {
        return probes.get();
    }

    int count() {
        return received.size();
    }

    void forget() {
        received.clear();
    }

    private void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        received.add(new Received(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(),
                Map.copyOf(new ConcurrentHashMap<>(exchange.getRequestHeaders()))));
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] body = ("{\"instance\":\"" + name + "\",\"path\":\""
                        + exchange.getRequestURI().getRawPath() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status.get(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private void ready(HttpExchange exchange) throws IOException {
        probes.incrementAndGet();
        byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        stop();
    }
}
