package dev.meridian.gateway.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

/** The span of the HTTP server observation around a request: the gateway's one span per request. */
final class ServerSpan {

    private ServerSpan() {}

    /** The request's span, or null when it has none (tracing off, or before the observation started). */
    static Span of(ServerWebExchange exchange) {
        ServerRequestObservationContext context = ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .orElse(null);
        TracingObservationHandler.TracingContext tracing =
                context == null ? null : context.get(TracingObservationHandler.TracingContext.class);
        return tracing == null ? null : tracing.getSpan();
    }
}
