package dev.meridian.gateway;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.meridian.testkit.ApiClient;
import dev.meridian.testkit.TokenIssuer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** An external client of the gateway, with tokens from a test issuer the gateway trusts. */
record Edge(int port, TokenIssuer issuer) {

    static final String ISSUER = "http://gateway.test";

    /** A valid access token of OAuth client {@code client} for a user, meant for user-service. */
    String token(String client) {
        return issuer.sign(claims(client).build());
    }

    /** A valid access token of user {@code subject} signed in through OAuth client {@code client}. */
    String userToken(String client, String subject) {
        return issuer.sign(issuer.claims(subject, "user-service")
                .claim("azp", client)
                .claim("client_id", client)
                .claim("roles", List.of("USER"))
                .build());
    }

    /** A client's own token (client credentials: its subject is the client id, as auth-service issues it). */
    String clientToken(String client) {
        return issuer.sign(
                issuer.claims(client, "user-service").claim("client_id", client).build());
    }

    JWTClaimsSet.Builder claims(String client) {
        return issuer.claims("user-" + client, "user-service")
                .claim("azp", client)
                .claim("roles", List.of("USER"));
    }

    HttpResponse<String> get(String path, String token) {
        return api().get(path, token);
    }

    HttpResponse<String> post(String path, String token, String json) {
        return api().post(path, token, json);
    }

    HttpRequest.Builder request(String path, String token) {
        return api().request(path, token);
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        return ApiClient.send(request);
    }

    private ApiClient api() {
        return new ApiClient("http://127.0.0.1:" + port);
    }
}
