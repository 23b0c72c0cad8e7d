package dev.meridian.gateway.ratelimit;

import dev.meridian.gateway.forwarding.ClientAddresses;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Who a request counts against. {@code client}: the OAuth client of a valid access token ({@code azp}, else
 * {@code client_id}), else the client IP. {@code ip}: the client IP ({@link ClientAddresses}: a client cannot name
 * another address to pick a fresh bucket). {@code basic}: the client id a token
 * request names in its HTTP Basic credentials (unverified here: it only picks the bucket; the same request also
 * counts against its IP).
 */
@Component
class ClientKeys {

    enum KeyBy {
        CLIENT,
        IP,
        BASIC
    }

    private final ClientAddresses addresses;

    ClientKeys(ClientAddresses addresses) {
        this.addresses = addresses;
    }

    Mono<String> keyOf(ServerWebExchange exchange, KeyBy keyBy) {
        return switch (keyBy) {
            case IP -> Mono.just(ip(exchange));
            case BASIC -> Mono.just(basicClient(exchange));
            case CLIENT ->
                exchange.getPrincipal()
                        .filter(JwtAuthenticationToken.class::isInstance)
                        .map(principal -> clientOf((JwtAuthenticationToken) principal))
                        .filter(client -> !client.isEmpty())
                        .map(client -> "client:" + client)
                        .defaultIfEmpty(ip(exchange));
        };
    }

    private static String clientOf(JwtAuthenticationToken token) {
        Object client = token.getTokenAttributes()
                .getOrDefault("azp", token.getTokenAttributes().get("client_id"));
        return client == null ? "" : client.toString();
    }

    private String basicClient(ServerWebExchange exchange) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String credentials = new String(
                        Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = credentials.indexOf(':');
                if (colon > 0) {
                    return "client:" + credentials.substring(0, colon);
                }
            } catch (IllegalArgumentException notBase64) {
                // counted against the IP like any request without a usable client id
            }
        }
        return ip(exchange);
    }

    String ip(ServerWebExchange exchange) {
        return "ip:" + addresses.clientIp(exchange.getRequest());
    }
}
