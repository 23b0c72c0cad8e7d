package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With {@code lb://auth-service/oauth2/jwks}, the signing keys come from an auth-service instance discovery lists. */
class JwksThroughDiscoveryIT extends RunningUserService {

    @DynamicPropertySource
    static void keysThroughDiscovery(DynamicPropertyRegistry registry) {
        URI jwks = URI.create(AccessTokens.ISSUER.jwkSetUri());
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", () -> "lb://auth-service/oauth2/jwks");
        registry.add(
                "spring.cloud.discovery.client.simple.instances.auth-service[0].uri",
                () -> "http://" + jwks.getHost() + ":" + jwks.getPort());
    }

    @Test
    void tokensAreVerifiedWithKeysFetchedFromTheInstanceDiscoveryNames() {
        UUID admin = UUID.randomUUID();

        HttpResponse<String> response = api.get("/api/users?size=1", AccessTokens.admin(admin));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(api.get("/api/users?size=1", AccessTokens.signedByAnotherKey(admin))
                        .statusCode())
                .isEqualTo(401);
    }
}
