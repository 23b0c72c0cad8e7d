package dev.meridian.gateway.observability;

import dev.meridian.gateway.ratelimit.ClientRateLimitGatewayFilterFactory;
import io.micrometer.tracing.Span;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * One line per request at the edge (logger {@code meridian.access}): method, path, route, status, latency, the key
 * the request was rate-limited by, and the trace id, so a client's complaint can be followed into every service.
 * A web filter rather than a gateway filter, so that requests refused before routing (401, 404, 429) are logged too.
 */
@Component
class AccessLog implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger("meridian.access");

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!log.isInfoEnabled()) {
            return chain.filter(exchange);
        }
        long start = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> write(exchange, start));
    }

    private static void write(ServerWebExchange exchange, long start) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        log.info(
                "{} {} route={} status={} latency_ms={} client={} trace_id={}",
                exchange.getRequest().getMethod(),
                exchange.getRequest().getPath().value(),
                route == null ? "-" : route.getId(),
                status == null ? "-" : status.value(),
                String.format("%.1f", (System.nanoTime() - start) / 1e6),
                exchange.getAttributeOrDefault(ClientRateLimitGatewayFilterFactory.CLIENT_KEY_ATTRIBUTE, "-"),
                traceId(exchange));
    }

    private static String traceId(ServerWebExchange exchange) {
        Span span = ServerSpan.of(exchange);
        return span == null ? "-" : span.context().traceId();
    }
}
