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
