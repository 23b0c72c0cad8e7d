package dev.meridian.gateway.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Passes the trace on to the service: the request it receives carries the gateway's server span as its parent
 * ({@code traceparent}, {@code tracestate}, baggage), continuing the client's trace or the one the gateway started.
 * This replaces Spring Cloud Gateway's client observation ({@code spring.cloud.gateway.server.webflux.observability}),
 * a second span and timer around every proxied call (its measured cost: docs/deviations.md): one span per request at
 * the edge, as proxies such as Envoy record, and per-route timings come from {@code spring.cloud.gateway.requests}.
 */
@Component
class TraceContextHeaders implements HttpHeadersFilter, Ordered {

    private final Propagator propagator;

    TraceContextHeaders(ObjectProvider<Propagator> propagator) {
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
    }

    @Override
    public int getOrder() {
        return 3;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        Span span = ServerSpan.of(exchange);
        if (span == null) {
            return input;
        }
        HttpHeaders sent = new HttpHeaders();
        sent.putAll(input);
        propagator.inject(span.context(), sent, HttpHeaders::set);
        return sent;
    }
}
