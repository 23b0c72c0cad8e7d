package dev.meridian.gateway.problem;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Refuses a request whose body is larger than {@code meridian.gateway.max-request-size} (1 MB) with a 413 problem:
 * from its {@code Content-Length}, before security, routing or any service sees it; a body without one (chunked) is
 * counted as it is passed on, and cut off with a 413 once it grows past the limit (the service sees the request
 * fail, never a truncated body that looks complete). The answer closes the connection: the unread body is still on
 * its way, and a keep-alive client would otherwise send its next request into it (seen with the JDK client and Spring
 * Cloud Gateway's own {@code RequestSize} filter: the next request on that connection hung). The close lingers
 * ({@link LingeringClose}) so that a client still sending reads the 413 instead of a reset.
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
        HttpHeaders headers = exchange.getRequest().getHeaders();
        long declared = headers.getContentLength();
        if (declared > maxBytes) {
            return tooLarge(
                    exchange, "The request body is " + declared + " bytes; at most " + maxBytes + " are accepted");
        }
        if (declared >= 0 || !headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            return chain.filter(exchange);
        }
        var counted = exchange.mutate().request(new Counted(exchange, maxBytes)).build();
        return chain.filter(counted)
                .onErrorResume(
                        BodyTooLarge::in,
                        error -> tooLarge(exchange, BodyTooLarge.from(error).getReason()));
    }

    private static Mono<Void> tooLarge(ServerWebExchange exchange, String detail) {
        exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
        return ProblemResponses.write(exchange, HttpStatus.CONTENT_TOO_LARGE, detail);
    }

    /** The request, its body failing with {@link BodyTooLarge} once more than {@code maxBytes} have arrived. */
    private static final class Counted extends ServerHttpRequestDecorator {

        private final long maxBytes;

        Counted(ServerWebExchange exchange, long maxBytes) {
            super(exchange.getRequest());
            this.maxBytes = maxBytes;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            AtomicLong received = new AtomicLong();
            return super.getBody().handle((buffer, sink) -> {
                if (received.addAndGet(buffer.readableByteCount()) > maxBytes) {
                    DataBufferUtils.release(buffer);
                    sink.error(new BodyTooLarge(maxBytes));
                } else {
                    sink.next(buffer);
                }
            });
        }
    }
}
