package dev.meridian.starters.resourceserver;

import java.io.IOException;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

/**
 * Turns {@code lb://service/path} into {@code http://service/path}, ahead of Spring Cloud's load-balancer
 * interceptor, which then replaces {@code service} with an instance's address but keeps the scheme.
 */
final class DiscoveryScheme implements ClientHttpRequestInterceptor, Ordered {

    static final String SCHEME = "lb";

    static boolean applies(@Nullable String uri) {
        return uri != null && uri.startsWith(SCHEME + "://");
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        URI uri = request.getURI();
        if (!SCHEME.equals(uri.getScheme())) {
            return execution.execute(request, body);
        }
        URI http = URI.create("http" + uri.toString().substring(SCHEME.length()));
        return execution.execute(
                new HttpRequestWrapper(request) {
                    @Override
                    public URI getURI() {
                        return http;
                    }
                },
                body);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
