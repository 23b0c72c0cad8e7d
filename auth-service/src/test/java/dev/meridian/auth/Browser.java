package dev.meridian.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A person's browser in the authorization code flow of one client: keeps cookies, follows no redirects, sends
 * {@code Accept: text/html}, answers the login form with its CSRF token.
 */
final class Browser {

    /** The PKCE verifier of RFC 7636's appendix B, for tests that need one that is right. */
    static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    static final String STATE = "af0ifjsldkj";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private final String base;
    private final String clientId;
    private final String redirectUri;
    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    Browser(String base, String clientId, String redirectUri) {
        this.base = base;
        this.clientId = clientId;
        this.redirectUri = redirectUri;
    }

    /** The whole browser side of the flow, PKCE with {@link #VERIFIER}; answers the code the redirect carries. */
    String authorize(String email, String password) {
        return authorize(email, password, OAuthHttp.challenge(VERIFIER));
    }

    /** The whole browser side of the flow with the given {@code code_challenge}; answers the code. */
    String authorize(String email, String password, String challenge) {
        startAuthorization(challenge);
        HttpResponse<String> login = login(email, password);
        assertThat(login.statusCode()).isEqualTo(302);
        String back = login.headers().firstValue("Location").orElseThrow();
        assertThat(back).as("back to the authorization request").contains("/oauth2/authorize");
        HttpResponse<String> authorized =
                get(URI.create(back).getRawPath() + "?" + URI.create(back).getRawQuery());
        assertThat(authorized.statusCode()).as(authorized.body()).isEqualTo(302);
        Map<String, String> redirect = redirectQuery(authorized);
        assertThat(redirect.get("state")).isEqualTo(STATE);
        return redirect.get("code");
    }

    void startAuthorization() {
        startAuthorization(OAuthHttp.challenge(VERIFIER));
    }

    void startAuthorization(String challenge) {
        HttpResponse<String> authorize = get("/oauth2/authorize?" + OAuthHttp.form(authorizationRequest(challenge)));
        assertThat(authorize.statusCode()).as(authorize.body()).isEqualTo(302);
        assertThat(authorize.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/login"));
    }

    /** The parameters of this client's authorization request, S256 challenge {@code challenge}. */
    Map<String, String> authorizationRequest(String challenge) {
        Map<String, String> request = new LinkedHashMap<>();
        request.put("response_type", "code");
        request.put("client_id", clientId);
        request.put("redirect_uri", redirectUri);
        request.put("scope", "openid profile");
        request.put("state", STATE);
        request.put("code_challenge", challenge);
        request.put("code_challenge_method", "S256");
        return request;
    }

    HttpResponse<String> login(String email, String password) {
        HttpResponse<String> page = get("/login");
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find())
                .as("the login form carries a CSRF token: %s %s", page.statusCode(), page.body())
                .isTrue();
        return post("/login", Map.of("username", email, "password", password, "_csrf", csrf.group(1)));
    }

    HttpResponse<String> get(String path) {
        return OAuthHttp.send(
                http,
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Accept", "text/html")
                        .GET(),
                Duration.ofSeconds(15));
    }

    HttpResponse<String> post(String path, Map<String, String> fields) {
        return OAuthHttp.send(
                http,
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Accept", "text/html")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(OAuthHttp.form(fields))),
                Duration.ofSeconds(15));
    }

    /** A script's JSON request (a passkey ceremony's), with the page's CSRF token in Spring's header. */
    HttpResponse<String> postJson(String path, String body, String csrf) {
        return OAuthHttp.send(
                http,
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .header("X-CSRF-TOKEN", csrf)
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                Duration.ofSeconds(15));
    }

    /** A script's JSON {@code DELETE} (Spring's passkey removal), with the page's CSRF token in Spring's header. */
    HttpResponse<String> deleteJson(String path, String csrf) {
        return OAuthHttp.send(
                http,
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("X-CSRF-TOKEN", csrf)
                        .DELETE(),
                Duration.ofSeconds(15));
    }

    /** The decoded query of the redirect {@code response} names, which must go to this client's redirect URI. */
    Map<String, String> redirectQuery(HttpResponse<String> response) {
        URI redirect = URI.create(response.headers().firstValue("Location").orElseThrow());
        assertThat(redirect.toString()).startsWith(redirectUri);
        Map<String, String> query = new HashMap<>();
        for (String pair : redirect.getRawQuery().split("&")) {
            String[] parts = pair.split("=", 2);
            query.put(parts[0], URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        return query;
    }
}
