package dev.meridian.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The authorization code flow with PKCE as a browser and a confidential client drive it over HTTP: each call of
 * {@link #signIn} is a new browser (its own cookies), so each gives a separate session (authorization) of the user.
 */
final class CodeFlow {

    static final String CLIENT = "web";
    static final String SECRET = "a-long-web-client-secret";
    static final String REDIRECT_URI = "http://127.0.0.1:9999/callback";
    static final String SCOPES = "openid profile";

    private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;

    CodeFlow(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** Signs in with a new browser and exchanges the code: access, refresh and ID token. */
    JsonNode signIn(String email, String password) {
        return signIn(email, password, Map.of());
    }

    /** {@link #signIn(String, String)} with a browser that sends {@code headers} on every request. */
    JsonNode signIn(String email, String password, Map<String, String> headers) {
        HttpResponse<String> tokens = token(Map.of(
                "grant_type",
                "authorization_code",
                "code",
                code(email, password, headers),
                "redirect_uri",
                REDIRECT_URI,
                "code_verifier",
                VERIFIER));
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return JSON.readTree(tokens.body());
    }

    /** Posts the login form with a new browser; answers the login's response (302 to the request, or to the error). */
    HttpResponse<String> login(String email, String password, Map<String, String> headers) {
        return login(new Browser(headers), email, password);
    }

    private HttpResponse<String> login(Browser browser, String email, String password) {
        HttpResponse<String> authorize = browser.get("/oauth2/authorize?"
                + OAuthHttp.form(Map.of(
                        "response_type",
                        "code",
                        "client_id",
                        CLIENT,
                        "redirect_uri",
                        REDIRECT_URI,
                        "scope",
                        SCOPES,
                        "state",
                        "xyz",
                        "code_challenge",
                        challenge(),
                        "code_challenge_method",
                        "S256")));
        assertThat(authorize.statusCode()).as(authorize.body()).isEqualTo(302);
        HttpResponse<String> page = browser.get("/login");
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).as("the login form's CSRF token").isTrue();
        return browser.post("/login", Map.of("username", email, "password", password, "_csrf", csrf.group(1)));
    }

    private String code(String email, String password, Map<String, String> headers) {
        var browser = new Browser(headers);
        HttpResponse<String> login = login(browser, email, password);
        assertThat(login.statusCode()).isEqualTo(302);
        URI back = URI.create(login.headers().firstValue("Location").orElseThrow());
        assertThat(back.getPath()).as("back to the authorization request").isEqualTo("/oauth2/authorize");
        HttpResponse<String> authorized = browser.get(back.getRawPath() + "?" + back.getRawQuery());
        assertThat(authorized.statusCode()).as(authorized.body()).isEqualTo(302);
        URI redirect = URI.create(authorized.headers().firstValue("Location").orElseThrow());
        assertThat(redirect.toString()).startsWith(REDIRECT_URI);
        Map<String, String> query = new HashMap<>();
        for (String pair : redirect.getRawQuery().split("&")) {
            String[] parts = pair.split("=", 2);
            query.put(parts[0], URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        return query.get("code");
    }

    HttpResponse<String> refresh(String refreshToken) {
        return token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
    }

    JsonNode introspect(String token) {
        HttpResponse<String> response = clientPost("/oauth2/introspect", Map.of("token", token));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    HttpResponse<String> token(Map<String, String> fields) {
        return clientPost("/oauth2/token", fields);
    }

    private HttpResponse<String> clientPost(String path, Map<String, String> fields) {
        return OAuthHttp.send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", OAuthHttp.basic(CLIENT, SECRET))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(OAuthHttp.form(fields))),
                Duration.ofSeconds(15));
    }

    private static String challenge() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(VERIFIER.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps cookies, follows no redirects, asks for HTML; sends {@code headers} on every request. */
    private final class Browser {

        private final HttpClient http = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        private final Map<String, String> headers;

        Browser(Map<String, String> headers) {
            this.headers = headers;
        }

        HttpResponse<String> get(String path) {
            return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
        }

        HttpResponse<String> post(String path, Map<String, String> fields) {
            return send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(OAuthHttp.form(fields))));
        }

        private HttpResponse<String> send(HttpRequest.Builder request) {
            request.header("Accept", "text/html");
            headers.forEach(request::header);
            return OAuthHttp.send(http, request, Duration.ofSeconds(15));
        }
    }
}
