package dev.meridian.gateway.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Headers that could pose as an identity the gateway verified never reach a service: identity is the access token
 * alone. They are dropped from the request the gateway sends on, the only place a service could read them, rather
 * than with a {@code RemoveRequestHeader} filter per name, each of which rebuilt the request and the exchange around
 * it on every request.
 */
@Component
@EnableConfigurationProperties(IdentityHeaders.Settings.class)
class IdentityHeaders implements HttpHeadersFilter, Ordered {

    /** {@code meridian.gateway.identity-headers}: the names dropped (case does not matter). */
    @ConfigurationProperties("meridian.gateway")
    record Settings(
            @DefaultValue({"X-User-Id", "X-User-Roles", "X-Authenticated-User", "X-Forwarded-User"})
            List<String> identityHeaders) {}

    private final List<String> names;

    IdentityHeaders(Settings settings) {
        this.names = List.copyOf(settings.identityHeaders());
    }

    @Override
    public int getOrder() {
        return 2;
    }

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        HttpHeaders sent = new HttpHeaders();
        sent.putAll(input);
        names.forEach(sent::remove);
        return sent;
    }
}
