package dev.meridian.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A native app signing a person in through the gateway, as {@code devstack/sign-in.sh} does (authorization code +
 * PKCE with the dev public client {@code meridian-cli}, the login form answered as the person would), with each step
 * open to a test: the verifier sent, the code exchanged, the refresh. Its connections come from {@code from}, a
 * loopback address of its own, so that tests are separate clients to the gateway's per-address limits.
 */
final class NativeAppSignIn {

    static final String CLIENT = "meridian-cli";
    static final String REDIRECT = "http://127.0.0.1:8400/callback";

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]*)\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String gateway;
    private final InetAddress from;
    /** For the token endpoint and the APIs: no cookies. */
    private final HttpClient http;

    NativeAppSignIn(String gateway, String from) {
        this.gateway = gateway;
        try {
            this.from = InetAddress.getByName(from);
        } catch (IOException e) {
            throw new IllegalArgumentException(from, e);
        }
        this.http = client(null);
    }

    /** A browser's client has cookies: the login session. Each sign-in is a fresh browser, so it signs in again. */
    private HttpClient client(CookieManager cookies) {
        var builder = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .localAddress(from)
                .connectTimeout(Duration.ofSeconds(2));
        if (cookies != null) {
            builder.cookieHandler(cookies);
        }
        return builder.build();
    }

    record Tokens(String access, String refresh, String id) {}

    /** A fresh RFC 7636 verifier: 32 random bytes, base64url (43 characters). */
    static String verifier() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Signs in and exchanges the code with its own verifier; fails the test unless tokens come back. */
    Tokens signIn(String email, String password) throws Exception {
        String verifier = verifier();
        String code = code(email, password, verifier).orElseThrow(() -> new AssertionError("sign-in refused"));
        HttpResponse<String> tokens = exchange(code, verifier);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        return tokens(tokens.body());
    }

    /**
     * The authorization request with the S256 challenge of {@code verifier}, the login form, and back: the code, or
     * empty when the login was refused (wrong password, locked, or the gateway's limit).
     */
    Optional<String> code(String email, String password, String verifier) throws Exception {
        String state = verifier().substring(0, 16);
        String authorize = authorization(verifier, state);
        HttpClient browser = client(new CookieManager());
        HttpResponse<String> toLogin = send(browser, get(authorize));
        assertThat(toLogin.headers().firstValue("Location")).as(toLogin.body()).hasValue(gateway + "/login");

        var csrf = CSRF.matcher(send(browser, get("/login")).body());
        assertThat(csrf.find()).as("the login form's CSRF token").isTrue();
        HttpResponse<String> login =
                send(browser, form("/login", Map.of("username", email, "password", password, "_csrf", csrf.group(1))));
        String back = login.headers().firstValue("Location").orElse("");
        if (login.statusCode() != 302 || !back.contains("/oauth2/authorize")) {
            return Optional.empty();
        }
        String callback = send(browser, HttpRequest.newBuilder(URI.create(back)).timeout(Duration.ofSeconds(10)))
                .headers()
                .firstValue("Location")
                .orElse("");
        assertThat(callback).startsWith(REDIRECT).contains("state=" + state);
        return Optional.of(callback.replaceFirst(".*[?&]code=([^&]*).*", "$1"));
    }

    /** The path of this client's authorization request with the S256 challenge of {@code verifier}. */
    static String authorization(String verifier, String state) {
        return "/oauth2/authorize?response_type=code&client_id=" + CLIENT + "&scope=openid%20profile" + "&state="
                + state + "&redirect_uri=" + encode(REDIRECT) + "&code_challenge=" + challenge(verifier)
                + "&code_challenge_method=S256";
    }

    /** A browser of this client's address: its own cookies, redirects not followed, forms posted as a browser would. */
    Browser browser() {
        return new Browser(client(new CookieManager()));
    }

    /** Opens pages and submits their forms (every hidden field, the CSRF token among them, sent back as it came). */
    final class Browser {

        private static final Pattern FORM = Pattern.compile(
                "<form[^>]*method=\"post\"[^>]*>(.*?)</form>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
        private static final Pattern ACTION = Pattern.compile("action=\"([^\"]*)\"");
        private static final Pattern HIDDEN =
                Pattern.compile("<input[^>]*type=\"hidden\"[^>]*>", Pattern.CASE_INSENSITIVE);
        private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
        private static final Pattern VALUE = Pattern.compile("value=\"([^\"]*)\"");

        private final HttpClient cookies;

        private Browser(HttpClient cookies) {
            this.cookies = cookies;
        }

        /** GET of a full URL (a link from a mail) or a path on the gateway. */
        HttpResponse<String> open(String url) throws IOException, InterruptedException {
            return send(
                    cookies,
                    HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url : gateway + url))
                            .timeout(Duration.ofSeconds(10)));
        }

        /**
         * Posts the {@code index}th (from 0) POST form of {@code page} with its hidden fields and {@code fields}, to
         * its action (the page's own path when it has none).
         */
        HttpResponse<String> submit(HttpResponse<String> page, int index, Map<String, String> fields)
                throws IOException, InterruptedException {
            Matcher form = FORM.matcher(page.body());
            for (int i = 0; i <= index; i++) {
                assertThat(form.find())
                        .as("form %d on %s:%n%s", index, page.uri(), page.body())
                        .isTrue();
            }
            Matcher action = ACTION.matcher(page.body().substring(form.start(), form.start(1)));
            String target = action.find()
                    ? action.group(1).replace("&amp;", "&")
                    : page.uri().getRawPath();
            var values = new java.util.LinkedHashMap<String, String>();
            Matcher hidden = HIDDEN.matcher(form.group(1));
            while (hidden.find()) {
                Matcher name = NAME.matcher(hidden.group());
                Matcher value = VALUE.matcher(hidden.group());
                if (name.find()) {
                    values.put(name.group(1), value.find() ? value.group(1).replace("&amp;", "&") : "");
                }
            }
            values.putAll(fields);
            URI to = page.uri().resolve(target);
            String body = values.entrySet().stream()
                    .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                    .collect(Collectors.joining("&"));
            return send(
                    cookies,
                    HttpRequest.newBuilder(to)
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        HttpResponse<String> submit(HttpResponse<String> page, Map<String, String> fields)
                throws IOException, InterruptedException {
            return submit(page, 0, fields);
        }
    }

    /** The token request for {@code code}; {@code verifier} {@code null} sends none. */
    HttpResponse<String> exchange(String code, String verifier) throws Exception {
        var fields = new java.util.LinkedHashMap<String, String>(Map.of(
                "grant_type", "authorization_code", "client_id", CLIENT, "code", code, "redirect_uri", REDIRECT));
        if (verifier != null) {
            fields.put("code_verifier", verifier);
        }
        return send(form("/oauth2/token", fields));
    }

    HttpResponse<String> refresh(String refreshToken) throws Exception {
        return send(form(
                "/oauth2/token",
                Map.of("grant_type", "refresh_token", "client_id", CLIENT, "refresh_token", refreshToken)));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(http, request);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(10));
    }

    HttpRequest.Builder form(String path, Map<String, String> fields) {
        String body = fields.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return get(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    static Tokens tokens(String json) {
        return new Tokens(
                JsonPath.read(json, "$.access_token"),
                JsonPath.read(json, "$.refresh_token"),
                JsonPath.read(json, "$.id_token"));
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
