package dev.meridian.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;

class BearerTokensTest {

    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl-_~+/==";

    @Test
    void readsTheTokenOfABearerAuthorizationHeaderWhateverTheSchemesCase() {
        assertThat(token("Bearer " + JWT)).isEqualTo(JWT);
        assertThat(token("bearer " + JWT)).isEqualTo(JWT);
        assertThat(token("BEARER abc")).isEqualTo("abc");
    }

    @Test
    void aRequestWithoutABearerHeaderCarriesNoToken() {
        assertThat(BearerTokens.token(MockServerHttpRequest.get("/api/users/me").build()))
                .isNull();
        assertThat(token("Basic d2ViOnNlY3JldA==")).isNull();
        assertThat(BearerTokens.token(MockServerHttpRequest.get("/api/users/me?access_token=" + JWT)
                        .build()))
                .as("a token in the query alone is not accepted")
                .isNull();
    }

    @Test
    void aMalformedBearerHeaderIsAnInvalidToken() {
        for (String malformed : new String[] {
            "Bearer",
            "Bearer ",
            "Bearer  " + JWT,
            "Bearer " + JWT + " ",
            "Bearer a b",
            "Bearer ab=c",
            "Bearer ===",
            "Bearer a\"b",
            "Bearer ab%3D",
            "Bearerx " + JWT
        }) {
            assertThatThrownBy(() -> token(malformed))
                    .as(malformed)
                    .isInstanceOfSatisfying(
                            OAuth2AuthenticationException.class,
                            e -> assertThat(e.getError().getErrorCode()).isEqualTo("invalid_token"));
        }
    }

    @Test
    void aTokenInTheQueryAsWellIsAnInvalidRequest() {
        var request = MockServerHttpRequest.get("/api/users/me?access_token=other")
                .header("Authorization", "Bearer " + JWT)
                .build();

        assertThatThrownBy(() -> BearerTokens.token(request))
                .isInstanceOfSatisfying(
                        OAuth2AuthenticationException.class,
                        e -> assertThat(e.getError().getErrorCode()).isEqualTo("invalid_request"));
    }

    @Test
    void decidesEveryHeaderAsSpringSecuritysConverterDoes() {
        var spring = new ServerBearerTokenAuthenticationConverter();
        var ours = new BearerTokens();
        for (String header : new String[] {
            "Bearer " + JWT,
            "bearer abc",
            "Basic d2ViOnNlY3JldA==",
            "Bearer",
            "Bearer  abc",
            "Bearer a b",
            "Bearer ab=c",
            "Bearer ===",
            "Bearer abc==",
            "Bearerx abc",
            "Token abc",
            "Bearer é",
            "Bearer a\tb"
        }) {
            assertThat(outcome(ours, header)).as(header).isEqualTo(outcome(spring, header));
        }
    }

    private static String outcome(ServerAuthenticationConverter converter, String header) {
        var exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/api/users/me").header("Authorization", header));
        try {
            return converter
                    .convert(exchange)
                    .map(auth -> "token " + ((BearerTokenAuthenticationToken) auth).getToken())
                    .defaultIfEmpty("none")
                    .block();
        } catch (OAuth2AuthenticationException e) {
            return "error " + e.getError().getErrorCode();
        }
    }

    private static String token(String authorization) {
        return BearerTokens.token(MockServerHttpRequest.get("/api/users/me")
                .header("Authorization", authorization)
                .build());
    }
}
