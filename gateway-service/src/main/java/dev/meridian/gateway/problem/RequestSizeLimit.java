package dev.meridian.gateway.problem;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a request whose declared body is larger than {@code meridian.gateway.max-request-size} (1 MB) with a 413
 * problem, before security, routing or any service sees it. The answer closes the connection: the unread body is
 * still on its way, and a keep-alive client would otherwise send its next request into it (seen with the JDK client
 * and Spring Cloud Gateway's own {@code RequestSize} filter: the next request on that connection hung).
 */
@Component
class RequestSizeLimit implements WebFilter, Ordered {

    private final long maxBytes;

    RequestSizeLimit(@Value("${meridian.gateway.max-request-size:1MB}") DataSize maxSize) {
        this.maxBytes = maxSize.toBytes();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 2; // after the access log, before Spring Security
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long declared = exchange.getRequest().getHeaders().getContentLength();
        if (declared <= maxBytes) {
            return chain.filter(exchange);
        }
        exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
        return ProblemResponses.write(
                exchange,
                HttpStatus.CONTENT_TOO_LARGE,
                "The request body is " + declared + " bytes; at most " + maxBytes + " are accepted");
    }
}
