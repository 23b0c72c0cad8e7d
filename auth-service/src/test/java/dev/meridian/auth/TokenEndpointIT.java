package dev.meridian.auth;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The token, revocation and authorization endpoints as an outside client meets them, over HTTP, with the dev profile's
 * public client {@code meridian-cli} as configured in application.yml, a second public client and a confidential one
 * (registered like it), and a real user-service checking the passwords: PKCE on every code exchange, RFC 6749 JSON
 * errors instead of login redirects, revocation and rotated refresh tokens for public clients.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"eureka.client.enabled=false", "meridian.auth.issuer=" + TokenEndpointIT.ISSUER})
@ActiveProfiles("dev")
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class TokenEndpointIT {

    static final String ISSUER = "http://gateway.test:8080";
    private static final String CLI = "meridian-cli";
    private static final String OTHER_CLI = "other-cli";
    private static final String PUBLIC_NO_REFRESH = "device-only-cli";
    private static final String PARTNER = "partner-web";
    private static final String PARTNER_SECRET = "a-long-partner-client-secret";
    private static final String REDIRECT_URI = "http://127.0.0.1:8400/callback";
    private static final String PASSWORD = "correct horse battery staple";
    private static final int USER_SERVICE_PORT = ServiceProcess.freePort();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ServiceProcess userService;

    @LocalServerPort
    int port;

    @Autowired
    LoadBalancerClientFactory loadBalancers;

    @Autowired
    RegisteredClientRepository clients;

    @Autowired
    PasswordEncoder clientSecrets;

    @DynamicPropertySource
    static void userService(DynamicPropertyRegistry registry) {
        registry.add(
                "spring.cloud.discovery.client.simple.instances.user-service[0].uri",
                () -> "http://127.0.0.1:" + USER_SERVICE_PORT);
    }

    @BeforeEach
    void startUserServiceAndRegisterMoreClients() throws Exception {
        if (userService == null) {
            Map<String, Object> infrastructure = new HashMap<>();
            for (var server : List.of(POSTGRES, REDIS, KAFKA)) {
                infrastructure.putAll(server.springProperties("user-service-for-token-endpoint"));
            }
            userService = UserServiceJar.start(infrastructure, USER_SERVICE_PORT, port, ISSUER, "token-endpoint-it");
        }
        UserServiceJar.awaitBalancedTo(loadBalancers, USER_SERVICE_PORT);
        RegisteredClient cli = clients.findByClientId(CLI);
        assertThat(cli).as("meridian-cli from the dev profile").isNotNull();
        registerLike(cli, OTHER_CLI, client -> {});
        registerLike(
                cli,
                PUBLIC_NO_REFRESH,
                client ->
                        client.authorizationGrantTypes(grants -> grants.remove(AuthorizationGrantType.REFRESH_TOKEN)));
        registerLike(
                cli,
                PARTNER,
                client -> client.clientSecret(clientSecrets.encode(PARTNER_SECRET))
                        .clientAuthenticationMethods(methods -> {
                            methods.clear();
                            methods.add(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
                        }));
    }

    @AfterAll
    static void stopUserService() throws InterruptedException {
        if (userService != null) {
            userService.close();
        }
    }

    // --- PKCE: every code exchange proves the verifier ---

    @Test
    void aWrongCodeVerifierGetsNoTokens() {
        String code = signIn(CLI, OAuthHttp.challenge(Browser.VERIFIER));

        HttpResponse<String> exchange = exchange(CLI, code, "a-different-verifier-of-the-right-length-0123456789");

        assertError(exchange, 400, "invalid_grant");
    }

    @Test
    void aMissingCodeVerifierGetsNoTokens() {
        String code = signIn(CLI, OAuthHttp.challenge(Browser.VERIFIER));

        HttpResponse<String> exchange = exchange(CLI, code, null);

        assertError(exchange, 400, "invalid_grant");
        assertThat(exchange(CLI, code, Browser.VERIFIER).statusCode())
                .as("the code itself is still good for the client that has the verifier")
                .isEqualTo(200);
    }

    static Stream<String> verifiersRfc7636Refuses() {
        return Stream.of("a".repeat(42), "a".repeat(129), "+".repeat(43), "pkce");
    }

    @ParameterizedTest
    @MethodSource("verifiersRfc7636Refuses")
    void aCodeVerifierRfc7636DoesNotAllowGetsNoTokensEvenWhenItMatchesTheChallenge(String verifier) {
        String code = signIn(CLI, OAuthHttp.challenge(verifier));

        assertError(exchange(CLI, code, verifier), 400, "invalid_grant");
    }

    @Test
    void aConfidentialClientsCodeNeedsTheRightVerifierToo() {
        String code = signIn(PARTNER, OAuthHttp.challenge(Browser.VERIFIER));
        Map<String, String> exchange = exchangeFields(code, "a-different-verifier-of-the-right-length-0123456789");
        exchange.remove("client_id");

        HttpResponse<String> wrong =
                send(post("/oauth2/token", exchange).header("Authorization", OAuthHttp.basic(PARTNER, PARTNER_SECRET)));

        assertError(wrong, 400, "invalid_grant");
    }

    @Test
    void aReplayedCodeGetsNoTokensAndRevokesTheTokensItGave() {
        String code = signIn(CLI, OAuthHttp.challenge(Browser.VERIFIER));
        HttpResponse<String> first = exchange(CLI, code, Browser.VERIFIER);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String access = JSON.readTree(first.body()).get("access_token").asString();
        assertThat(userInfo(access).statusCode()).isEqualTo(200);

        HttpResponse<String> replay = exchange(CLI, code, Browser.VERIFIER);

        assertError(replay, 400, "invalid_grant");
        assertThat(userInfo(access).statusCode())
                .as("RFC 6749 section 4.1.2: tokens issued on a code used twice are revoked")
                .isEqualTo(401);
    }

    @Test
    void aRedirectUriOtherThanTheAuthorizationRequestsGetsNoTokens() {
        String code = signIn(CLI, OAuthHttp.challenge(Browser.VERIFIER));
        Map<String, String> exchange = exchangeFields(code, Browser.VERIFIER);
        exchange.put("redirect_uri", "http://127.0.0.1:8400/elsewhere");

        assertError(send(post("/oauth2/token", exchange)), 400, "invalid_grant");
    }

    @Test
    void anAuthorizationRequestWithoutACodeChallengeIsRefused() {
        var browser = new Browser(base(), CLI, REDIRECT_URI);
        Map<String, String> request = browser.authorizationRequest("unused");
        request.remove("code_challenge");
        request.remove("code_challenge_method");

        HttpResponse<String> refused = browser.get("/oauth2/authorize?" + OAuthHttp.form(request));

        assertThat(refused.statusCode()).isEqualTo(302);
        Map<String, String> redirect = browser.redirectQuery(refused);
        assertThat(redirect).containsEntry("error", "invalid_request").doesNotContainKey("code");
    }

    @Test
    void anAuthorizationRequestForAScopeTheClientIsNotRegisteredForIsAnInvalidScope() {
        var browser = new Browser(base(), CLI, REDIRECT_URI);
        Map<String, String> request = browser.authorizationRequest(OAuthHttp.challenge(Browser.VERIFIER));
        // notification-service's scope: a public client asking for it must not get a code, signed in or not.
        request.put("scope", "openid users.mail-links");

        HttpResponse<String> refused = browser.get("/oauth2/authorize?" + OAuthHttp.form(request));

        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(browser.redirectQuery(refused))
                .containsEntry("error", "invalid_scope")
                .doesNotContainKey("code");
    }

    @Test
    void aRefreshAskingForMoreScopeThanTheUserGrantedIsAnInvalidScope() {
        JsonNode tokens = tokensFor(CLI);
        Map<String, String> wider = Map.of(
                "grant_type",
                "refresh_token",
                "client_id",
                CLI,
                "refresh_token",
                tokens.get("refresh_token").asString(),
                "scope",
                "openid profile users.mail-links");

        assertError(send(post("/oauth2/token", wider)), 400, "invalid_scope");
        // The refused request spent nothing: the same refresh token, asking for what was granted, still works.
        assertThat(refresh(CLI, tokens.get("refresh_token").asString()).statusCode())
                .isEqualTo(200);
    }

    // --- errors are RFC 6749 section 5.2 JSON, never a redirect to the login page ---

    static Stream<Arguments> requestsNoClientAuthenticationTakes() {
        return Stream.of(
                Arguments.of("/oauth2/token", Map.of("grant_type", "password", "client_id", CLI, "username", "a@b.c")),
                Arguments.of("/oauth2/token", Map.of("grant_type", "client_credentials", "client_id", CLI)),
                Arguments.of("/oauth2/token", Map.of("grant_type", "refresh_token", "refresh_token", "x")),
                Arguments.of("/oauth2/introspect", Map.of("token", "x", "client_id", CLI)),
                Arguments.of("/oauth2/revoke", Map.of("token", "x")),
                Arguments.of("/oauth2/device_authorization", Map.of("scope", "profile")));
    }

    @ParameterizedTest
    @MethodSource("requestsNoClientAuthenticationTakes")
    void aRequestNoClientAuthenticationTakesIsAJsonInvalidClientForEveryAccept(String path, Map<String, String> form) {
        for (String accept : new String[] {null, "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"}) {
            HttpRequest.Builder request = post(path, form);
            if (accept != null) {
                request.header("Accept", accept);
            }
            HttpResponse<String> answer = send(request);

            assertError(answer, 401, "invalid_client");
            assertThat(answer.headers().firstValue("Location"))
                    .as("Accept %s", accept)
                    .isEmpty();
        }
    }

    static Stream<Arguments> clientIdsThatCannotRefreshByIdAlone() {
        return Stream.of(
                Arguments.of(PARTNER, "a confidential client must authenticate with its secret"),
                Arguments.of(PUBLIC_NO_REFRESH, "a public client not registered for refresh_token"),
                Arguments.of("no-such-client", "an unknown client"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("clientIdsThatCannotRefreshByIdAlone")
    void aRefreshByClientIdAloneIsRefusedUnlessThePublicClientIsRegisteredForIt(String clientId, String why) {
        JsonNode tokens = tokensFor(CLI);

        HttpResponse<String> refresh = send(post(
                "/oauth2/token",
                Map.of(
                        "grant_type",
                        "refresh_token",
                        "client_id",
                        clientId,
                        "refresh_token",
                        tokens.get("refresh_token").asString())));

        assertError(refresh, 401, "invalid_client");
    }

    @Test
    void theAuthorizationEndpointStillSendsABrowserToTheLoginPage() {
        var browser = new Browser(base(), CLI, REDIRECT_URI);

        HttpResponse<String> authorize = browser.get("/oauth2/authorize?"
                + OAuthHttp.form(browser.authorizationRequest(OAuthHttp.challenge(Browser.VERIFIER))));

        assertThat(authorize.statusCode()).isEqualTo(302);
        assertThat(authorize.headers().firstValue("Location")).hasValue(base() + "/login");
    }

    // --- refresh tokens for the CLI: rotated, reuse revokes the family ---

    @Test
    void theCliGetsRefreshTokensRotatedOnEveryUseAndAReusedOneRevokesTheFamily() {
        JsonNode first = tokensFor(CLI);
        String original = first.get("refresh_token").asString();
        Jwt access = OAuthHttp.accessTokens(base() + "/oauth2/jwks")
                .decode(first.get("access_token").asString());
        assertThat(access.getHeaders()).containsEntry("typ", "at+jwt");
        assertThat(access.getClaimAsString("client_id")).isEqualTo(CLI);

        HttpResponse<String> rotated = refresh(CLI, original);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        JsonNode second = JSON.readTree(rotated.body());
        String successor = second.get("refresh_token").asString();
        assertThat(successor).isNotBlank().isNotEqualTo(original);
        String currentAccess = second.get("access_token").asString();
        assertThat(userInfo(currentAccess).statusCode()).isEqualTo(200);

        assertError(refresh(CLI, original), 400, "invalid_grant");

        assertError(refresh(CLI, successor), 400, "invalid_grant");
        assertThat(userInfo(currentAccess).statusCode())
                .as("the family's current access token")
                .isEqualTo(401);
    }

    @Test
    void aRefreshTokenPresentedWithAnotherClientsIdIsAnInvalidGrant() {
        JsonNode tokens = tokensFor(CLI);
        String refreshToken = tokens.get("refresh_token").asString();

        assertError(refresh(OTHER_CLI, refreshToken), 400, "invalid_grant");

        assertThat(refresh(CLI, refreshToken).statusCode())
                .as("its own client still refreshes it")
                .isEqualTo(200);
    }

    @Test
    void theUserInfoEndpointTakesAccessTokensButNotAnIdToken() {
        JsonNode tokens = tokensFor(CLI);

        assertThat(userInfo(tokens.get("access_token").asString()).statusCode())
                .as("typ at+jwt")
                .isEqualTo(200);
        assertThat(userInfo(tokens.get("id_token").asString()).statusCode())
                .as("an ID token presented as an access token (RFC 8725 section 3.11)")
                .isEqualTo(401);
    }

    // --- a public client signs out: RFC 7009 revocation by client_id ---

    @Test
    void theCliRevokesItsOwnRefreshTokenByClientIdAloneAndItsAccessTokenStopsToo() {
        JsonNode tokens = tokensFor(CLI);
        String access = tokens.get("access_token").asString();

        HttpResponse<String> revoked = send(post(
                "/oauth2/revoke",
                Map.of(
                        "client_id",
                        CLI,
                        "token",
                        tokens.get("refresh_token").asString(),
                        "token_type_hint",
                        "refresh_token")));

        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertError(refresh(CLI, tokens.get("refresh_token").asString()), 400, "invalid_grant");
        assertThat(userInfo(access).statusCode()).isEqualTo(401);
    }

    @Test
    void theCliRevokesItsOwnAccessToken() {
        String access = tokensFor(CLI).get("access_token").asString();
        assertThat(userInfo(access).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = send(post("/oauth2/revoke", Map.of("client_id", CLI, "token", access)));

        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(userInfo(access).statusCode()).isEqualTo(401);
    }

    @Test
    void aPublicClientCannotRevokeAnotherClientsTokens() {
        JsonNode tokens = tokensFor(CLI);
        String access = tokens.get("access_token").asString();

        HttpResponse<String> accessRevocation =
                send(post("/oauth2/revoke", Map.of("client_id", OTHER_CLI, "token", access)));
        HttpResponse<String> refreshRevocation = send(post(
                "/oauth2/revoke",
                Map.of(
                        "client_id",
                        OTHER_CLI,
                        "token",
                        tokens.get("refresh_token").asString())));

        assertError(accessRevocation, 400, "invalid_client");
        assertError(refreshRevocation, 400, "invalid_client");
        assertThat(userInfo(access).statusCode()).isEqualTo(200);
        assertThat(refresh(CLI, tokens.get("refresh_token").asString()).statusCode())
                .isEqualTo(200);
    }

    // --- helpers ---

    private void registerLike(RegisteredClient template, String clientId, Consumer<RegisteredClient.Builder> change) {
        if (clients.findByClientId(clientId) != null) {
            return;
        }
        RegisteredClient.Builder client = RegisteredClient.from(template)
                .id(UUID.randomUUID().toString())
                .clientId(clientId)
                .clientName(clientId);
        change.accept(client);
        clients.save(client.build());
    }

    /** Signs a new user in for {@code clientId} with challenge {@code challenge}; answers the code. */
    private String signIn(String clientId, String challenge) {
        return new Browser(base(), clientId, REDIRECT_URI).authorize(signUp(), PASSWORD, challenge);
    }

    /** The tokens a new user's code exchange with the right verifier gives {@code clientId}. */
    private JsonNode tokensFor(String clientId) {
        HttpResponse<String> response =
                exchange(clientId, signIn(clientId, OAuthHttp.challenge(Browser.VERIFIER)), Browser.VERIFIER);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode tokens = JSON.readTree(response.body());
        assertThat(tokens.get("refresh_token"))
                .as("a refresh token for %s", clientId)
                .isNotNull();
        return tokens;
    }

    private HttpResponse<String> exchange(String clientId, String code, String verifier) {
        Map<String, String> fields = exchangeFields(code, verifier);
        fields.put("client_id", clientId);
        return send(post("/oauth2/token", fields));
    }

    private static Map<String, String> exchangeFields(String code, String verifier) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "authorization_code");
        fields.put("code", code);
        fields.put("redirect_uri", REDIRECT_URI);
        fields.put("client_id", CLI);
        if (verifier != null) {
            fields.put("code_verifier", verifier);
        }
        return fields;
    }

    private HttpResponse<String> refresh(String clientId, String refreshToken) {
        return send(post(
                "/oauth2/token",
                Map.of("grant_type", "refresh_token", "client_id", clientId, "refresh_token", refreshToken)));
    }

    private HttpResponse<String> userInfo(String accessToken) {
        return send(HttpRequest.newBuilder(URI.create(base() + "/userinfo"))
                .header("Authorization", "Bearer " + accessToken)
                .GET());
    }

    private static void assertError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asString()).isEqualTo(error);
        assertThat(body.has("access_token")).isFalse();
    }

    private String signUp() {
        String email = "user-" + UUID.randomUUID() + "@example.com";
        HttpResponse<String> created = send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + USER_SERVICE_PORT + "/api/users"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\":\"%s\",\"name\":\"Test User\",\"password\":\"%s\"}".formatted(email, PASSWORD))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return email;
    }

    private HttpRequest.Builder post(String path, Map<String, String> form) {
        return HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(OAuthHttp.form(form)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        return OAuthHttp.send(HTTP, request, Duration.ofSeconds(15));
    }

    private String base() {
        return "http://localhost:" + port;
    }
}
