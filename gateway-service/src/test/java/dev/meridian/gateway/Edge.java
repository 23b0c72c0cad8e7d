package dev.meridian.gateway;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.meridian.testkit.TokenIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** An external client of the gateway, with tokens from a test issuer the gateway trusts. */
record Edge(int port, TokenIssuer issuer) {

    static final String ISSUER = "http://gateway.test";
    // HTTP/1.1 keep-alive, as most API clients speak to a gateway (the JDK client would otherwise try an h2c upgrade).
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

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
        return send(request(path, token).GET());
    }

    HttpResponse<String> post(String path, String token, String json) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpRequest.Builder request(String path, String token) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
