package dev.meridian.user;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server answering one of the "own data" APIs the export reads, as its owner does: the user is the
 * bearer token's subject and only their entries are answered — auth-service's {@code GET /api/sessions} (a list),
 * audit-service's {@code GET /api/audit/me/events} (pages by {@code fromVersion}, {@code nextFromVersion} while a
 * page is full) or notification-service's {@code GET /api/notifications/me/deliveries} (pages by an opaque
 * {@code after}, {@code next} while a page is full). No token is {@code 401}. It records the Authorization headers it
 * was sent, can be stopped and started on the same port, forced to answer a status, or made to leak another user's
 * entry (a bug the export must catch).
 */
final class OwnDataStandIn implements AutoCloseable {

    enum Api {
        SESSIONS("/api/sessions"),
        AUDIT("/api/audit/me/events"),
        DELIVERIES("/api/notifications/me/deliveries");

        final String path;

        Api(String path) {
            this.path = path;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Api api;
    private final int port;
    private final Map<UUID, List<Map<String, Object>>> entries = new ConcurrentHashMap<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile Integer forcedStatus;
    private volatile UUID leaking;
    private volatile HttpServer server;

    OwnDataStandIn(Api api, int port) {
        this.api = api;
        this.port = port;
        start();
    }

    String uri() {
        return "http://127.0.0.1:" + port;
    }

    void start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(api.path, this::handle);
        // user-service balances over the instances that answer their readiness probe, as the real services do.
        server.createContext("/readyz", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    void stop() {
        server.stop(0);
    }

    @Override
    public void close() {
        stop();
    }

    /** Adds an entry of the user's (a version or position is given by the order of adding). */
    Map<String, Object> add(UUID user, Map<String, Object> fields) {
        List<Map<String, Object>> mine = entries.computeIfAbsent(user, id -> new CopyOnWriteArrayList<>());
        Map<String, Object> entry = new LinkedHashMap<>(fields);
        if (api != Api.SESSIONS) {
            entry.put("userId", user.toString());
        }
        if (api == Api.AUDIT) {
            entry.put("version", mine.size() + 1);
        }
        mine.add(entry);
        return entry;
    }

    List<String> authorizations() {
        return authorizations;
    }

    void answer(Integer status) {
        forcedStatus = status;
    }

    /** Puts one entry of {@code other} into every answer from now on. */
    void leak(UUID other) {
        leaking = other;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(authorization));
            if (forcedStatus != null) {
                send(exchange, forcedStatus, Map.of("status", forcedStatus));
                return;
            }
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                send(exchange, 401, Map.of("status", 401));
                return;
            }
            UUID user = subject(authorization.substring("Bearer ".length()));
            List<Map<String, Object>> mine = new ArrayList<>(entries.getOrDefault(user, List.of()));
            if (leaking != null && !entries.getOrDefault(leaking, List.of()).isEmpty()) {
                mine.addFirst(entries.get(leaking).getFirst());
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            int limit = Integer.parseInt(query.getOrDefault("limit", "50"));
            switch (api) {
                case SESSIONS -> send(exchange, 200, mine);
                case AUDIT -> {
                    int from = Integer.parseInt(query.getOrDefault("fromVersion", "1")) - 1;
                    List<Map<String, Object>> page = page(mine, from, limit);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("userId", user.toString());
                    body.put("events", page);
                    body.put("nextFromVersion", page.size() < limit ? null : from + limit + 1);
                    send(exchange, 200, body);
                }
                case DELIVERIES -> {
                    int from = query.containsKey("after")
                            ? Integer.parseInt(query.get("after").substring(1))
                            : 0;
                    List<Map<String, Object>> page = page(mine, from, limit);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("deliveries", page);
                    body.put("next", page.size() < limit ? null : "p" + (from + limit));
                    send(exchange, 200, body);
                }
            }
        }
    }

    private static List<Map<String, Object>> page(List<Map<String, Object>> all, int from, int limit) {
        return all.subList(Math.min(from, all.size()), Math.min(from + limit, all.size()));
    }

    private static UUID subject(String jwt) {
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        return UUID.fromString(claims.path("sub").asString());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] parts = pair.split("=", 2);
                query.put(parts[0], parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
