package dev.meridian.notification;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.meridian.testkit.TokenIssuer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real HTTP servers that answer as the two services the mailer calls do, to the brief's contract: auth-service's
 * token endpoint (client credentials of client {@code notification-service}, a token signed by the testkit's
 * {@link TokenIssuer}) and user-service's {@code POST /internal/mail-links} (a bearer token this stand-in issued with
 * scope {@code users.mail-links}; {@code 200 {link, code, expiresAt}} for a request it knows and that is open, {@code
 * 410} otherwise; a fresh link on every call). user-service can be stopped and started again on the same port.
 */
final class MailLinksStandIn {

    static final String CLIENT_SECRET = "notification-service-test-secret-0123456789";
    static final String SCOPE = "users.mail-links";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TokenIssuer issuer;
    private final HttpServer tokens;
    private final int userServicePort;
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    /** Open requests by id: the purpose decides the page the link names, verification also gets a code. */
    private final Map<UUID, String> open = new ConcurrentHashMap<>();
    /** Every link and code minted, newest last, by request id. */
    final Map<UUID, List<Minted>> minted = new ConcurrentHashMap<>();

    final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    private volatile HttpServer userService;

    record Minted(String link, String code) {}

    MailLinksStandIn(TokenIssuer issuer) throws IOException {
        this.issuer = issuer;
        this.tokens = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokens.createContext("/oauth2/token", this::token);
        tokens.start();
        this.userService = userService(0);
        this.userServicePort = userService.getAddress().getPort();
    }

    String tokenUri() {
        return "http://127.0.0.1:" + tokens.getAddress().getPort() + "/oauth2/token";
    }

    String userServiceUrl() {
        return "http://127.0.0.1:" + userServicePort;
    }

    /** A one-time request user-service would have written with its event; {@code page} e.g. "verify". */
    UUID request(String page) {
        UUID id = UUID.randomUUID();
        open.put(id, page);
        return id;
    }

    /** The request has been used (or has expired): user-service answers 410 for it from now on. */
    void close(UUID request) {
        open.remove(request);
    }

    Minted last(UUID request) {
        List<Minted> links = minted.get(request);
        return links == null ? null : links.getLast();
    }

    synchronized void stopUserService() {
        userService.stop(0);
    }

    synchronized void startUserService() throws IOException {
        userService = userService(userServicePort);
    }

    void stop() {
        tokens.stop(0);
        userService.stop(0);
    }

    private HttpServer userService(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/internal/mail-links", this::mailLink);
        server.start();
        return server;
    }

    private void token(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String basic = "Basic "
                + Base64.getEncoder()
                        .encodeToString(("notification-service:" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        tokenRequests.add(body);
        if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                || !body.contains("grant_type=client_credentials")) {
            answer(exchange, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        String token = issuer.sign(issuer.claims("notification-service", "user-service")
                .claim("scope", SCOPE)
                .claim("client_id", "notification-service")
                .build());
        issued.add(token);
        answer(
                exchange,
                200,
                JSON.writeValueAsString(
                        Map.of("access_token", token, "token_type", "Bearer", "expires_in", 900, "scope", SCOPE)));
    }

    private void mailLink(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (!"POST".equals(exchange.getRequestMethod())
                || authorization == null
                || !authorization.startsWith("Bearer ")
                || !issued.contains(authorization.substring("Bearer ".length()))) {
            answer(exchange, 401, "{\"status\":401}");
            return;
        }
        UUID request = UUID.fromString(JSON.readTree(exchange.getRequestBody().readAllBytes())
                .get("requestId")
                .asString());
        String page = open.get(request);
        if (page == null) {
            answer(exchange, 410, "{\"status\":410,\"title\":\"Gone\"}");
            return;
        }
        byte[] secret = new byte[32];
        ThreadLocalRandom.current().nextBytes(secret);
        String link = "http://localhost:8080/account/" + page + "?token="
                + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String code = page.equals("verify")
                ? String.valueOf(100_000 + ThreadLocalRandom.current().nextInt(900_000))
                : null;
        minted.computeIfAbsent(request, id -> new CopyOnWriteArrayList<>()).add(new Minted(link, code));
        var answer = new java.util.HashMap<String, Object>();
        answer.put("link", link);
        answer.put("code", code);
        answer.put("expiresAt", Instant.now().plusSeconds(86_400).toString());
        answer(exchange, 200, JSON.writeValueAsString(answer));
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders()
                .add("Content-Type", status < 400 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
