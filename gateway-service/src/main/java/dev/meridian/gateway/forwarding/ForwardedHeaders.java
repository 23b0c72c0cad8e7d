package dev.meridian.gateway.forwarding;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The {@code X-Forwarded-*} headers services receive, which they use for the client's address and to build their
 * own public URLs (auth-service's redirects and issuer): always set by the gateway, never a client's own.
 * {@code X-Forwarded-For} is the chain a trusted proxy passed on followed by the peer, or the peer alone;
 * {@code -Proto}, {@code -Host} and {@code -Port} are a trusted proxy's (which may have terminated TLS) or else
 * what the gateway itself was asked. Spring Cloud Gateway drops incoming {@code X-Forwarded-*} and {@code Forwarded}
 * headers (its order 0) and, without its own trusted-proxies pattern, adds none; this runs after it.
 */
@Component
class ForwardedHeaders implements HttpHeadersFilter, Ordered {

    private final ClientAddresses addresses;

    ForwardedHeaders(ClientAddresses addresses) {
        this.addresses = addresses;
    }

    @Override
    public int getOrder() {
        return 1;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        HttpHeaders received = request.getHeaders();
        String peer = ClientAddresses.peer(request);
        boolean viaTrustedProxy = addresses.isTrustedProxy(peer);
        URI uri = request.getURI();

        List<String> chain = new ArrayList<>();
        if (viaTrustedProxy) {
            chain.addAll(received.getValuesAsList("X-Forwarded-For"));
        }
        chain.add(peer);
        String scheme = uri.getScheme();
        String host = received.getFirst(HttpHeaders.HOST);
        int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equals(scheme) ? 443 : 80);

        HttpHeaders forwarded = new HttpHeaders();
        forwarded.putAll(input);
        forwarded.set("X-Forwarded-For", String.join(", ", chain));
        forwarded.set("X-Forwarded-Proto", believed(viaTrustedProxy, received, "X-Forwarded-Proto", scheme));
        if (host != null) {
            forwarded.set("X-Forwarded-Host", believed(viaTrustedProxy, received, "X-Forwarded-Host", host));
        }
        forwarded.set(
                "X-Forwarded-Port", believed(viaTrustedProxy, received, "X-Forwarded-Port", Integer.toString(port)));
        return forwarded;
    }

    private static String believed(boolean viaTrustedProxy, HttpHeaders received, String name, String otherwise) {
        String value = viaTrustedProxy ? received.getFirst(name) : null;
        return value == null || value.isBlank() ? otherwise : value;
    }
}
