package dev.meridian.auth.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import feign.RequestTemplate;
import java.net.URI;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

class ServiceTokenInterceptorTest {

    @Test
    void signsItsServiceTokenAsAnAccessTokenThatAValidatorRequiringAtJwtAccepts() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("test-key").generate();
        var interceptor = new ServiceTokenInterceptor(
                new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key))),
                URI.create("http://gateway.test:8080"),
                Clock.systemUTC());
        var request = new RequestTemplate();

        interceptor.apply(request);

        String token = request.headers().get("Authorization").iterator().next().substring("Bearer ".length());
        NimbusJwtDecoder accessTokens =
                NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
        accessTokens.setJwtValidator(JwtValidators.createDefaultWithValidators(new JwtTypeValidator("at+jwt")));
        Jwt jwt = accessTokens.decode(token);
        assertThat(jwt.getHeaders()).containsEntry("typ", "at+jwt").containsEntry("kid", "test-key");
        assertThat(jwt.getSubject()).isEqualTo("auth-service");
        assertThat(jwt.getAudience()).containsExactly("user-service");
        assertThat(jwt.getClaimAsString("scope")).isEqualTo(ServiceTokenInterceptor.SCOPE);
        NimbusJwtDecoder idTokens =
                NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
        assertThatThrownBy(() -> idTokens.decode(token))
                .as("Spring's default validator, for JWT-typed tokens, refuses it")
                .isInstanceOf(JwtException.class);
    }
}
