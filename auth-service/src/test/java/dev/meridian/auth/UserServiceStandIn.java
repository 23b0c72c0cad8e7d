package dev.meridian.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server answering user-service's two internal endpoints as the contracts between the services say:
 * {@code POST /internal/credentials/verify} (C1: {@code verified} false for a wrong password, an unknown email and a
 * deactivated account alike) and {@code GET /internal/users/{id}/standing} (C2: 200 with status and roles, 404 problem
 * for an unknown id). Both refuse a request without a bearer token carrying scope {@code users.credentials.verify}.
 * It records every credentials check it was sent, and can be stopped and started again on the same port.
 */
final class UserServiceStandIn implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern STANDING = Pattern.compile("/internal/users/([0-9a-f-]{36})/standing");

    private final int port;
    private final Map<UUID, User> users = new ConcurrentHashMap<>();
    private final List<JsonNode> checks = new CopyOnWriteArrayList<>();
    private volatile HttpServer server;

    record User(UUID id, String email, String password, String status, Set<String> roles) {}

    UserServiceStandIn(int port) {
        this.port = port;
        start();
    }

    int port() {
        return port;
    }

    void start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/internal/", this::handle);
        server.start();
    }

    void stop() {
        server.stop(0);
    }

    @Override
    public void close() {
        stop();
    }

    /** A new active user with these roles; answers it. */
    User add(String password, Set<String> roles) {
        var user = new User(UUID.randomUUID(), "user-" + UUID.randomUUID() + "@example.com", password, "ACTIVE", roles);
        users.put(user.id(), user);
        return user;
    }

    void change(UUID id, String status, Set<String> roles) {
        users.computeIfPresent(id, (key, user) -> new User(key, user.email(), user.password(), status, roles));
    }

    void delete(UUID id) {
        users.remove(id);
    }

    List<JsonNode> checks() {
        return List.copyOf(checks);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!carriesServiceToken(exchange)) {
                answer(exchange, 401, "{\"status\":401,\"title\":\"Unauthorized\"}");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Matcher standing = STANDING.matcher(path);
            if ("POST".equals(exchange.getRequestMethod()) && path.equals("/internal/credentials/verify")) {
                JsonNode check = JSON.readTree(exchange.getRequestBody().readAllBytes());
                checks.add(check);
                User user = users.values().stream()
                        .filter(candidate ->
                                candidate.email().equals(check.get("email").asString()))
                        .findFirst()
                        .orElse(null);
                boolean verified = user != null
                        && user.password().equals(check.get("password").asString())
                        && "ACTIVE".equals(user.status());
                answer(
                        exchange,
                        200,
                        verified
                                ? JSON.writeValueAsString(Map.of(
                                        "verified", true,
                                        "userId", user.id(),
                                        "roles", user.roles(),
                                        "status", user.status()))
                                : "{\"verified\":false}");
            } else if ("GET".equals(exchange.getRequestMethod()) && standing.matches()) {
                User user = users.get(UUID.fromString(standing.group(1)));
                if (user == null) {
                    answer(exchange, 404, "{\"status\":404,\"title\":\"Not Found\"}");
                } else {
                    answer(
                            exchange,
                            200,
                            JSON.writeValueAsString(
                                    Map.of("userId", user.id(), "status", user.status(), "roles", user.roles())));
                }
            } else {
                answer(exchange, 404, "{\"status\":404,\"title\":\"Not Found\"}");
            }
        }
    }

    /** The service token auth-service signs for itself; its signature is user-service's to check, not this stand-in's. */
    private static boolean carriesServiceToken(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        String[] parts = authorization.substring("Bearer ".length()).split("\\.");
        if (parts.length != 3) {
            return false;
        }
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        return claims.has("scope") && claims.get("scope").asString().contains("users.credentials.verify");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders()
                .add("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
