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
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server answering user-service's internal endpoints as the contracts between the services say:
 * {@code POST /internal/credentials/verify} (C1: {@code verified} false for a wrong password, an unknown email and a
 * deactivated account alike) and {@code GET /internal/users/{id}/standing} (C2: 200 with status and roles, 404 problem
 * for an unknown id). Both refuse a request without a bearer token carrying scope {@code users.credentials.verify}.
 * It records every credentials check it was sent, and can be stopped and started again on the same port. The verdict
 * carries {@code emailVerified} (issue 18). It also answers the anonymous account API the account pages call, as issue
 * 18's brief describes it ({@link #link}: a token as user-service would mail it): sign-up 202, verification by token
 * or code 204, password reset request 202 and confirm 204, email change confirm and cancel 204; a bad, used or unknown
 * token or code 400 {@code invalid-link}; a password under 12 characters 400 with the policy's field error (the token
 * not spent); the new address of an email change taken 409; and {@link #answerAccountCallsWith} forces a status.
 */
final class UserServiceStandIn implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern STANDING = Pattern.compile("/internal/users/([0-9a-f-]{36})/standing");

    private final int port;
    private final Map<UUID, User> users = new ConcurrentHashMap<>();
    private final List<JsonNode> checks = new CopyOnWriteArrayList<>();
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final List<AccountCall> accountCalls = new CopyOnWriteArrayList<>();
    private volatile Integer forcedStatus;
    private volatile HttpServer server;

    record User(UUID id, String email, String password, String status, Set<String> roles, boolean emailVerified) {}

    /** A one-time request: for verification a code too; {@code email} the address it is about. */
    record Link(String purpose, UUID user, String email, String code, boolean used) {}

    /** A call of the account API: its path and JSON body. */
    record AccountCall(String path, JsonNode body) {}

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
        // A thread per exchange: with the JDK's default single dispatcher, a readiness probe queued behind another
        // request can miss its 2 s and take the only instance out of auth-service's load balancer for a round.
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/internal/", this::handle);
        server.createContext("/api/", this::account);
        // auth-service balances over the instances that answer their readiness probe, as user-service's does.
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

    /** A new active user with these roles and a verified address; answers it. */
    User add(String password, Set<String> roles) {
        return add(password, roles, true);
    }

    User add(String password, Set<String> roles, boolean emailVerified) {
        var user = new User(
                UUID.randomUUID(),
                "user-" + UUID.randomUUID() + "@example.com",
                password,
                "ACTIVE",
                roles,
                emailVerified);
        users.put(user.id(), user);
        return user;
    }

    User user(UUID id) {
        return users.get(id);
    }

    void change(UUID id, String status, Set<String> roles) {
        users.computeIfPresent(
                id, (key, user) -> new User(key, user.email(), user.password(), status, roles, user.emailVerified()));
    }

    /**
     * Mints the token of a one-time request of {@code purpose} ({@code verify-email}, {@code reset-password}, {@code
     * confirm-email-change}, {@code cancel-email-change}) for {@code user}, about {@code email} (the new address of
     * an email change; else the user's), as user-service would put it in a mailed link.
     */
    String link(String purpose, UUID user, String email) {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String code = "%06d".formatted(new java.security.SecureRandom().nextInt(1_000_000));
        links.put(token, new Link(purpose, user, email, code, false));
        return token;
    }

    /** The code mailed with the verification link {@code token}. */
    String code(String token) {
        return links.get(token).code();
    }

    List<AccountCall> accountCalls() {
        return List.copyOf(accountCalls);
    }

    /** Every account API call answered with {@code status} (and {@code Retry-After: 42} for a 429); null: normally. */
    void answerAccountCallsWith(Integer status) {
        forcedStatus = status;
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
                                        "status", user.status(),
                                        "emailVerified", user.emailVerified()))
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

    private void account(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            JsonNode body = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
            accountCalls.add(new AccountCall(path, body));
            Integer forced = forcedStatus;
            if (forced != null) {
                if (forced == 429) {
                    exchange.getResponseHeaders().add("Retry-After", "42");
                }
                answer(exchange, forced, "{\"status\":%d,\"title\":\"Forced\"}".formatted(forced));
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, "{\"status\":405,\"title\":\"Method Not Allowed\"}");
                return;
            }
            switch (path) {
                case "/api/users" -> {
                    if (weak(body.path("password").asString(""))) {
                        answer(exchange, 400, WEAK_PASSWORD);
                    } else {
                        answer(exchange, 202, "{\"status\":\"verification-pending\"}");
                    }
                }
                case "/api/users/email-verification" -> {
                    Link link = body.hasNonNull("token")
                            ? spend(body.get("token").asString(), "verify-email")
                            : spendCode(
                                    body.path("email").asString(""),
                                    body.path("code").asString(""));
                    if (link == null) {
                        answer(exchange, 400, INVALID_LINK);
                    } else {
                        users.computeIfPresent(
                                link.user(),
                                (key, user) -> new User(
                                        key, user.email(), user.password(), user.status(), user.roles(), true));
                        answer(exchange, 204, "");
                    }
                }
                case "/api/users/password-reset" -> {
                    if (body.path("email").asString("").contains("@")) {
                        answer(exchange, 202, "{\"status\":\"reset-requested\"}");
                    } else {
                        answer(exchange, 400, NOT_AN_EMAIL);
                    }
                }
                case "/api/users/password-reset/confirm" -> {
                    String token = body.path("token").asString("");
                    String password = body.path("password").asString("");
                    if (!usable(token, "reset-password")) {
                        answer(exchange, 400, INVALID_LINK);
                    } else if (weak(password)) {
                        answer(exchange, 400, WEAK_PASSWORD);
                    } else {
                        Link link = spend(token, "reset-password");
                        users.computeIfPresent(
                                link.user(),
                                (key, user) ->
                                        new User(key, user.email(), password, user.status(), user.roles(), true));
                        answer(exchange, 204, "");
                    }
                }
                case "/api/users/email-change/confirm" -> {
                    String token = body.path("token").asString("");
                    if (!usable(token, "confirm-email-change")) {
                        answer(exchange, 400, INVALID_LINK);
                    } else if (users.values().stream()
                            .anyMatch(
                                    user -> user.email().equals(links.get(token).email()))) {
                        answer(exchange, 409, "{\"status\":409,\"title\":\"Email already taken\"}");
                    } else {
                        Link link = spend(token, "confirm-email-change");
                        users.computeIfPresent(
                                link.user(),
                                (key, user) -> new User(
                                        key, link.email(), user.password(), user.status(), user.roles(), true));
                        answer(exchange, 204, "");
                    }
                }
                case "/api/users/email-change/cancel" ->
                    answer(
                            exchange,
                            spend(body.path("token").asString(""), "cancel-email-change") == null ? 400 : 204,
                            INVALID_LINK);
                default -> answer(exchange, 404, "{\"status\":404,\"title\":\"Not Found\"}");
            }
        }
    }

    private static final String INVALID_LINK =
            "{\"type\":\"https://meridian.dev/problems/invalid-link\",\"status\":400,\"title\":\"Invalid link\","
                    + "\"detail\":\"The link or code is not valid\"}";
    private static final String NOT_AN_EMAIL = "{\"status\":400,\"title\":\"Invalid request\","
            + "\"detail\":\"Some fields are missing or invalid\","
            + "\"errors\":[{\"field\":\"email\",\"message\":\"must be a well-formed email address\"}]}";
    private static final String WEAK_PASSWORD = "{\"status\":400,\"title\":\"Invalid request\","
            + "\"detail\":\"must be at least 12 characters\","
            + "\"errors\":[{\"field\":\"password\",\"message\":\"must be at least 12 characters\"}]}";

    private static boolean weak(String password) {
        return password.length() < 12;
    }

    private boolean usable(String token, String purpose) {
        Link link = links.get(token);
        return link != null && !link.used() && link.purpose().equals(purpose);
    }

    /** Spends the token's request if it is usable: answers it, else null. */
    private synchronized Link spend(String token, String purpose) {
        if (!usable(token, purpose)) {
            return null;
        }
        Link link = links.get(token);
        links.put(token, new Link(link.purpose(), link.user(), link.email(), link.code(), true));
        return link;
    }

    private synchronized Link spendCode(String email, String code) {
        return links.entrySet().stream()
                .filter(entry -> entry.getValue().code().equals(code)
                        && entry.getValue().email().equals(email))
                .map(Map.Entry::getKey)
                .findFirst()
                .map(token -> spend(token, "verify-email"))
                .orElse(null);
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
                .add("Content-Type", status < 300 ? "application/json" : "application/problem+json");
        if (status == 204) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
