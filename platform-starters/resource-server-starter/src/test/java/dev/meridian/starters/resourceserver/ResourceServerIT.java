package dev.meridian.starters.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.testkit.RedisServer;
import dev.meridian.testkit.TokenIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A real servlet application with only this starter's security, its keys fetched through discovery
 * ({@code lb://auth-service/oauth2/jwks}) from the testkit's issuer, its revocation list in a real Redis.
 */
@SpringBootTest(
        classes = ResourceServerIT.ThingsService.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ResourceServerIT {

    private static final String AUDIENCE = "things-service";
    private static final TokenIssuer ISSUER = TokenIssuer.start("http://localhost:8080");
    /** Same issuer name, another key: what a forger without the issuer's private key can make. */
    private static final TokenIssuer FORGER = TokenIssuer.start("http://localhost:8080");

    private static final RedisServer REDIS = RedisServer.startEmbedded();

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    StringRedisTemplate redis;

    @DynamicPropertySource
    static void resourceServer(DynamicPropertyRegistry registry) {
        URI jwks = URI.create(ISSUER.jwkSetUri());
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER::issuer);
        registry.add("spring.security.oauth2.resourceserver.jwt.audiences", () -> AUDIENCE);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", () -> "lb://auth-service/oauth2/jwks");
        registry.add(
                "spring.cloud.discovery.client.simple.instances.auth-service[0].uri",
                () -> "http://" + jwks.getHost() + ":" + jwks.getPort());
        registry.add("spring.data.redis.url", REDIS::url);
        registry.add("meridian.resource-server.verified-token-cache-time", () -> "2m");
    }

    @Test
    void aGenuineTokenIsAdmittedWithKeysFetchedThroughDiscovery() throws Exception {
        HttpResponse<String> response = get("/things", ISSUER.sign(claims().build()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ada");
    }

    @Test
    void aForgedTokenIsA401ProblemWithTheBearerChallenge() throws Exception {
        assertInvalidToken(get("/things", FORGER.sign(claims().build())));
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        assertInvalidToken(get(
                "/things",
                ISSUER.sign(claims().issueTime(Date.from(past))
                        .expirationTime(Date.from(past.plusSeconds(60)))
                        .build())));
    }

    @Test
    void aTokenExpiredWithinTheClockSkewIsStillAdmittedAndOneBeyondItIsNot() throws Exception {
        Instant now = Instant.now();
        Date issuedAt = Date.from(now.minusSeconds(120));
        String withinSkew = ISSUER.sign(claims().issueTime(issuedAt)
                .expirationTime(Date.from(now.minusSeconds(10)))
                .build());
        String beyondSkew = ISSUER.sign(claims().issueTime(issuedAt)
                .expirationTime(Date.from(now.minusSeconds(45)))
                .build());

        HttpResponse<String> admitted = get("/things", withinSkew);
        assertThat(admitted.statusCode())
                .as(admitted.headers().firstValue("WWW-Authenticate").orElse(""))
                .isEqualTo(200);
        assertInvalidToken(get("/things", beyondSkew));
    }

    @Test
    void aTokenWithoutExpiryIsRefused() throws Exception {
        assertInvalidToken(
                get("/things", ISSUER.sign(claims().expirationTime(null).build())));
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() throws Exception {
        assertInvalidToken(
                get("/things", ISSUER.sign(ISSUER.claims("ada", "user-service").build())));
    }

    @Test
    void aTokenOfAnotherIssuerIsRefused() throws Exception {
        assertInvalidToken(get(
                "/things",
                ISSUER.sign(claims().issuer("http://elsewhere.example").build())));
    }

    @Test
    void anIdTokenOrAnUntypedJwtIsNotAnAccessToken() throws Exception {
        assertInvalidToken(get("/things", ISSUER.signAsType(claims().build(), "JWT")));
        assertInvalidToken(get("/things", ISSUER.signAsType(claims().build(), null)));
    }

    @Test
    void noTokenIsA401ProblemWithTheBearerChallenge() throws Exception {
        HttpResponse<String> response = http.send(request("/things").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        // Spring Security 7 names the protected-resource metadata (RFC 9728) in the challenge; no error: none was sent.
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer")
                .doesNotContain("error=");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":401").contains("A valid access token is required");
    }

    @Test
    void aValidTokenWithoutTheRoleTheServiceRequiresIsA403Problem() throws Exception {
        HttpResponse<String> response = get(
                "/admin/things",
                ISSUER.sign(claims().claim("roles", List.of("USER")).build()));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer error=\"insufficient_scope\"");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":403").contains("The token does not allow this");
    }

    @Test
    void rolesAndScopesBecomeTheAuthoritiesTheRulesName() throws Exception {
        assertThat(get(
                                "/admin/things",
                                ISSUER.sign(claims().claim("roles", List.of("ADMIN"))
                                        .build()))
                        .statusCode())
                .isEqualTo(200);
        assertThat(get(
                                "/scoped",
                                ISSUER.sign(
                                        claims().claim("scope", "things.read").build()))
                        .statusCode())
                .isEqualTo(200);
        assertThat(get(
                                "/scoped",
                                ISSUER.sign(
                                        claims().claim("scope", "things.write").build()))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void probePathsAreOpenAndTheRestFollowsTheServicesRules() throws Exception {
        assertThat(http.send(request("/livez").build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
        assertThat(get(
                                "/closed",
                                ISSUER.sign(claims().claim("roles", List.of("ADMIN"))
                                        .build()))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void aTokenWithoutTheRequiredAcrIsA403ProblemWithTheStepUpChallenge() throws Exception {
        for (String acr : new String[] {null, "urn:meridian:acr:pwd", "urn:meridian:acr:mfa-ish"}) {
            HttpResponse<String> response = get(
                    "/admin/stepped-up",
                    ISSUER.sign(claims().claim("roles", List.of("ADMIN"))
                            .claim("acr", acr)
                            .build()));

            assertThat(response.statusCode()).as("acr %s", acr).isEqualTo(403);
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer error=\"insufficient_user_authentication\","
                            + " error_description=\"A sign-in with a second factor is required\","
                            + " acr_values=\"urn:meridian:acr:mfa\"");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.body())
                    .contains("\"status\":403")
                    .contains("A sign-in with a second factor is required");
        }
        assertThat(get("/stepped-up", ISSUER.sign(claims().build())).statusCode())
                .isEqualTo(403);
    }

    @Test
    void aTokenWithTheRequiredAcrIsAdmittedAndWithoutATokenItIsStill401() throws Exception {
        String mfa = ISSUER.sign(claims().claim("roles", List.of("ADMIN"))
                .claim("acr", StepUp.MFA)
                .build());

        assertThat(get("/admin/stepped-up", mfa).statusCode()).isEqualTo(200);
        assertThat(get("/stepped-up", mfa).statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous =
                http.send(request("/stepped-up").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow())
                .doesNotContain("insufficient_user_authentication");
    }

    @Test
    void onlyTokensHoldingTheNamedAuthorityAreAskedForTheAcr() throws Exception {
        HttpResponse<String> user = get(
                "/admin/stepped-up",
                ISSUER.sign(claims().claim("roles", List.of("USER")).build()));

        assertThat(user.statusCode()).as("passed on to the service").isEqualTo(200);
    }

    @Test
    void aRememberedTokenIsRefusedOnceRevoked() throws Exception {
        JWTClaimsSet claims = claims().build();
        String token = ISSUER.sign(claims);
        assertThat(get("/things", token).statusCode()).isEqualTo(200);

        Instant until = Instant.now().plusSeconds(900);
        redis.opsForZSet().add(RevokedAccessTokens.KEY, claims.getJWTID(), until.toEpochMilli());
        redis.convertAndSend(
                RevokedAccessTokens.CHANNEL, new RevokedAccessTokens.Listed(claims.getJWTID(), until).text());

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertInvalidToken(get("/things", token)));
    }

    private static JWTClaimsSet.Builder claims() {
        return ISSUER.claims("ada", AUDIENCE);
    }

    private static void assertInvalidToken(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer error=\"invalid_token\"");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":401").contains("A valid access token is required");
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return http.send(
                request(path).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ThingsService.Things.class)
    static class ThingsService {

        @Bean
        AuthorizationRules thingsRules(StepUp stepUp) {
            return requests -> requests.requestMatchers("/admin/stepped-up")
                    .access(stepUp.requiredOf("ROLE_ADMIN"))
                    .requestMatchers("/stepped-up")
                    .access(stepUp.required())
                    .requestMatchers("/admin/**")
                    .hasRole("ADMIN")
                    .requestMatchers("/scoped")
                    .hasAuthority("SCOPE_things.read")
                    .requestMatchers("/closed")
                    .denyAll()
                    .anyRequest()
                    .authenticated();
        }

        @RestController
        static class Things {

            @GetMapping("/things")
            String things(@AuthenticationPrincipal Jwt token) {
                return token.getSubject();
            }

            @GetMapping({"/admin/things", "/admin/stepped-up", "/stepped-up", "/scoped", "/closed", "/livez"})
            String ok() {
                return "ok";
            }
        }
    }
}
