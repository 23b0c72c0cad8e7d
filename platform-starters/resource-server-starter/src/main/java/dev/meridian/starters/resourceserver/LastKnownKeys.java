package dev.meridian.starters.resourceserver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Keeps the last JWKS the issuer answered and answers it again while the issuer cannot be reached (refused, no
 * instance registered, a 5xx), for at most {@code tolerance} after it was fetched. Spring Security's decoder caches
 * the keys for 5 minutes and then fetches them again; with auth-service down at that moment every token — valid,
 * signed by a key the service had — was refused, and the fault run saw user-service's reads fail for as long as
 * auth-service was down although "existing tokens keep working" is the promise. Whenever the issuer answers, its
 * answer is taken, so rotated and withdrawn keys are followed as before; only its absence is bridged.
 */
final class LastKnownKeys implements ClientHttpRequestInterceptor, Ordered {

    private static final Logger log = LoggerFactory.getLogger(LastKnownKeys.class);

    private record Known(byte[] body, HttpHeaders headers, Instant fetchedAt) {}

    private final Duration tolerance;
    private final Clock clock;
    private final Map<URI, Known> known = new ConcurrentHashMap<>();

    LastKnownKeys(Duration tolerance, Clock clock) {
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** First: it must see the request as the decoder made it and every failure behind it (discovery included). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        URI uri = request.getURI();
        ClientHttpResponse response;
        try {
            response = execution.execute(request, body);
        } catch (IOException | RuntimeException unreachable) {
            Known last = usable(uri, unreachable.toString());
            if (last == null) {
                throw unreachable;
            }
            return answer(last);
        }
        if (response.getStatusCode().is5xxServerError()) {
            Known last = usable(uri, "answered " + response.getStatusCode().value());
            if (last != null) {
                response.close();
                return answer(last);
            }
            return response;
        }
        if (!response.getStatusCode().is2xxSuccessful()) {
            return response;
        }
        try (response) {
            var headers = new HttpHeaders();
            headers.setContentType(response.getHeaders().getContentType());
            var fresh = new Known(response.getBody().readAllBytes(), headers, clock.instant());
            known.put(uri, fresh);
            return answer(fresh);
        }
    }

    private Known usable(URI uri, String why) {
        Known last = known.get(uri);
        if (last == null
                || tolerance.isZero()
                || last.fetchedAt().plus(tolerance).isBefore(clock.instant())) {
            return null;
        }
        log.warn(
                "The JWKS at {} cannot be fetched ({}); the keys fetched at {} are used until it can",
                uri,
                why,
                last.fetchedAt());
        return last;
    }

    private static ClientHttpResponse answer(Known known) {
        return new ClientHttpResponse() {
            @Override
            public HttpStatusCode getStatusCode() {
                return HttpStatus.OK;
            }

            @Override
            public String getStatusText() {
                return HttpStatus.OK.getReasonPhrase();
            }

            @Override
            public HttpHeaders getHeaders() {
                return known.headers();
            }

            @Override
            public InputStream getBody() {
                return new ByteArrayInputStream(known.body());
            }

            @Override
            public void close() {}
        };
    }
}
