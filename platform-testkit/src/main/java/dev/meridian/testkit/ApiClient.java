package dev.meridian.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A plain HTTP client for a service's API under test: what a real client sends, headers and bytes included. A null
 * {@code token} sends no {@code Authorization} header; a null body sends none.
 */
public record ApiClient(String baseUrl) {

    // HTTP/1.1 keep-alive, as most API clients speak (the JDK client would otherwise try an h2c upgrade); bounded, so
    // a request that is never answered fails its test instead of hanging the build.
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    public HttpResponse<String> get(String path, String token) {
        return send(request(path, token).GET());
    }

    public HttpResponse<String> post(String path, String token, String json) {
        return send(request(path, token).POST(body(json)));
    }

    public HttpResponse<String> patch(String path, String token, String ifMatch, String json) {
        var request = request(path, token).method("PATCH", body(json));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return send(request);
    }

    /** A DELETE, with a JSON body when {@code json} is not null (a re-authentication, for instance). */
    public HttpResponse<String> delete(String path, String token, String json) {
        return send(request(path, token).method("DELETE", body(json)));
    }

    /** A request with the JSON headers and the token, for a test to add to before {@link #send}. */
    public HttpRequest.Builder request(String path, String token) {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private static HttpRequest.BodyPublisher body(String json) {
        return json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json);
    }

    public static HttpResponse<String> send(HttpRequest.Builder request) {
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
