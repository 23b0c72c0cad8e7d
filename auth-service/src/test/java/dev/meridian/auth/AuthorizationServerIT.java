package dev.meridian.auth;

import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.auth.keys.SigningKeys;
import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.testkit.RealInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "eureka.client.enabled=false",
            AuthorizationServerIT.ISSUER_PROPERTY,
            "meridian.auth.keys.encryption-password=test-password",
            "meridian.auth.keys.encryption-salt=0123456789abcdef",
            "meridian.auth.clients[0].client-id=auth-service",
            "meridian.auth.clients[0].secret=" + AuthorizationServerIT.SECRET,
            "meridian.auth.clients[0].grant-types=client_credentials",
            "meridian.auth.clients[0].scopes=users.credentials.verify",
            "meridian.auth.clients[0].audiences=user-service"
        })
@RealInfrastructure({POSTGRES, REDIS})
class AuthorizationServerIT {

    static final String ISSUER = "http://gateway.test:8080";
    static final String ISSUER_PROPERTY = "meridian.auth.issuer=" + ISSUER;
    static final String SECRET = "a-long-service-secret";

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    SigningKeys signingKeys;

    @Autowired
    Environment environment;

    @Autowired
    HealthEndpoint health;

    @Autowired
    StringRedisTemplate redis;

    @Test
    void startsAgainstRealInfrastructureAndReportsReady() {
        assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);
        assertThat(health.healthForPath("db").getStatus()).isEqualTo(Status.UP);
        assertThat(get(base() + "/readyz").statusCode()).isEqualTo(200);
    }

    @Test
    void publishesItsMetadataForClientsToDiscover() {
        JsonNode openId =
                JSON.readTree(get(base() + "/.well-known/openid-configuration").body());

        assertThat(openId.get("issuer").asString()).isEqualTo(ISSUER);
        assertThat(openId.get("token_endpoint").asString()).isEqualTo(ISSUER + "/oauth2/token");
        assertThat(openId.get("jwks_uri").asString()).isEqualTo(ISSUER + "/oauth2/jwks");
        assertThat(openId.get("grant_types_supported").valueStream().map(JsonNode::asString))
                .contains("authorization_code", "client_credentials", "refresh_token");
        assertThat(get(base() + "/.well-known/oauth-authorization-server").statusCode())
                .isEqualTo(200);
    }

    @Test
    void issuesServiceTokensForTheirAudienceWithTheClientCredentialsGrant() {
        HttpResponse<String> response = token("auth-service", SECRET, "users.credentials.verify");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asInt()).isBetween(890, 900);
        Jwt jwt = decoder(port).decode(body.get("access_token").asString());
        assertThat(jwt.getIssuer()).hasToString(ISSUER);
        assertThat(jwt.getSubject()).isEqualTo("auth-service");
        assertThat(jwt.getAudience()).containsExactly("user-service");
        assertThat(jwt.getClaimAsStringList("scope")).containsExactly("users.credentials.verify");
        assertThat(jwt.getClaimAsString("client_id")).isEqualTo("auth-service");
        assertThat(jwt.getId()).as("jti, the key of the revocation list").isNotBlank();
        assertThat(jwt.getHeaders()).containsKey("kid");
    }

    @Test
    void aWrongSecretIsAnInvalidClient() {
        HttpResponse<String> response = token("auth-service", "not-the-secret", "users.credentials.verify");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).get("error").asString()).isEqualTo("invalid_client");
    }

    @Test
    void aRevokedTokenIntrospectsAsInactive() {
        String token = accessToken();
        assertThat(introspect(port, token).get("active").asBoolean()).isTrue();

        HttpResponse<String> revocation = post(base() + "/oauth2/revoke", "token=" + token);

        assertThat(revocation.statusCode()).isEqualTo(200);
        assertThat(introspect(port, token).get("active").asBoolean()).isFalse();
    }

    @Test
    void aRevokedAccessTokenStaysOnTheGatewaysRevocationListUntilNoValidatorWouldAcceptIt() throws Exception {
        String token = accessToken();
        Jwt jwt = decoder(port).decode(token);
        assertThat(redis.opsForZSet().score(RevokedAccessTokens.KEY, jwt.getId()))
                .isNull();
        String longExpired = "jti-of-a-token-no-validator-accepts-any-more";
        redis.opsForZSet()
                .add(
                        RevokedAccessTokens.KEY,
                        longExpired,
                        Instant.now().minusSeconds(1).toEpochMilli());
        var announcements = new LinkedBlockingQueue<String>();
        RedisConnection subscriber = redis.getRequiredConnectionFactory().getConnection();
        subscriber.subscribe(
                (message, channel) -> announcements.add(new String(message.getBody(), StandardCharsets.UTF_8)),
                RevokedAccessTokens.CHANNEL.getBytes(StandardCharsets.UTF_8));

        try {
            post(base() + "/oauth2/revoke", "token=" + token);

            RevokedAccessTokens.Listed announced = RevokedAccessTokens.Listed.parse(
                    Objects.requireNonNull(announcements.poll(5, TimeUnit.SECONDS), "no announcement"));
            assertThat(announced.jti()).isEqualTo(jwt.getId());
            assertThat(announced.until()).isAfter(jwt.getExpiresAt().plus(Duration.ofSeconds(30)));
        } finally {
            subscriber.close();
        }
        Double listedUntil = redis.opsForZSet().score(RevokedAccessTokens.KEY, jwt.getId());
        assertThat(listedUntil).isNotNull();
        assertThat(Instant.ofEpochMilli(listedUntil.longValue()))
                .as("listed for the token's life and the 30 s of clock skew validators allow past it")
                .isAfter(jwt.getExpiresAt().plus(Duration.ofSeconds(30)))
                .isBefore(jwt.getExpiresAt().plus(Duration.ofSeconds(90)));
        assertThat(redis.opsForZSet().score(RevokedAccessTokens.KEY, longExpired))
                .as("entries past their time leave the list as new ones arrive")
                .isNull();
    }

    @Test
    void anotherReplicaOnTheSameDatabaseKnowsTheTokensAndSignsWithTheSameKey() {
        String token = accessToken();
        try (ConfigurableApplicationContext replica = new SpringApplicationBuilder(AuthApplication.class)
                .run(
                        "--server.port=0",
                        "--eureka.client.enabled=false",
                        "--" + ISSUER_PROPERTY,
                        "--meridian.auth.keys.encryption-password=test-password",
                        "--meridian.auth.keys.encryption-salt=0123456789abcdef",
                        "--meridian.auth.clients[0].client-id=auth-service",
                        "--meridian.auth.clients[0].secret=" + SECRET,
                        "--meridian.auth.clients[0].grant-types=client_credentials",
                        "--meridian.auth.clients[0].scopes=users.credentials.verify",
                        "--meridian.auth.clients[0].audiences=user-service",
                        "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                        "--spring.datasource.username=" + environment.getProperty("spring.datasource.username"),
                        "--spring.datasource.password=" + environment.getProperty("spring.datasource.password"))) {
            int replicaPort = replica.getEnvironment().getProperty("local.server.port", Integer.class);

            assertThat(introspect(replicaPort, token).get("active").asBoolean()).isTrue();
            Jwt verified = decoder(replicaPort).decode(token);
            assertThat(verified.getSubject()).isEqualTo("auth-service");
        }
    }

    @Test
    void tokensSignedBeforeAKeyRotationStillVerify() {
        String before = accessToken();

        signingKeys.rotate();
        String after = accessToken();

        NimbusJwtDecoder decoder = decoder(port);
        String oldKid = (String) decoder.decode(before).getHeaders().get("kid");
        String newKid = (String) decoder.decode(after).getHeaders().get("kid");
        assertThat(newKid).isNotEqualTo(oldKid);
        List<String> published = JSON.readTree(get(base() + "/oauth2/jwks").body())
                .get("keys")
                .valueStream()
                .map(key -> key.get("kid").asString())
                .toList();
        assertThat(published).contains(oldKid, newKid);
        assertThat(JSON.readTree(get(base() + "/oauth2/jwks").body())
                        .get("keys")
                        .valueStream())
                .as("only public keys are published")
                .allSatisfy(key -> assertThat(key.has("d")).isFalse());
    }

    private String accessToken() {
        HttpResponse<String> response = token("auth-service", SECRET, "users.credentials.verify");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("access_token").asString();
    }

    private HttpResponse<String> token(String clientId, String secret, String scope) {
        return send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/token"))
                .header("Authorization", OAuthHttp.basic(clientId, secret))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + scope)));
    }

    private JsonNode introspect(int serverPort, String token) {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create("http://localhost:" + serverPort + "/oauth2/introspect"))
                        .header("Authorization", OAuthHttp.basic("auth-service", SECRET))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("token=" + token)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String url, String form) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", OAuthHttp.basic("auth-service", SECRET))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private static NimbusJwtDecoder decoder(int serverPort) {
        // Signature only: the issuer is the gateway's URL, which this test does not run.
        return OAuthHttp.accessTokens("http://localhost:" + serverPort + "/oauth2/jwks");
    }

    private static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        return OAuthHttp.send(HTTP, request, Duration.ofSeconds(10));
    }

    private String base() {
        return "http://localhost:" + port;
    }
}
