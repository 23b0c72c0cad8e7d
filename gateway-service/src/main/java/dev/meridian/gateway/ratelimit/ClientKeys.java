package dev.meridian.gateway.ratelimit;

import dev.meridian.gateway.forwarding.ClientAddresses;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Who a request counts against: the buckets it takes a token from, most specific first.
 *
 * <ul>
 *   <li>{@code token}: a user's token (its {@code sub} is not the client's id) counts per client <em>and</em>
 *       subject, and against a larger bucket shared by all users of that client ({@link Kind#USERS_OF_CLIENT}), so
 *       one user cannot use up what the client's other users have; a client's own token (client credentials:
 *       {@code sub} is the client id) per client; no valid token, per client address. The client is {@code azp},
 *       else {@code client_id} (auth-service puts it in every access token, RFC 9068).
 *   <li>{@code ip}: the client address ({@link ClientAddresses}: a client cannot name another address to pick a
 *       fresh bucket).
 *   <li>{@code basic}: the client id a token request names in HTTP Basic <em>with</em> its address. The gateway cannot
 *       check the secret, so a bare client id would let anyone who knows a partner's id empty the partner's bucket
 *       with wrong secrets; per id and address, such a flood only empties its own.
 * </ul>
 */
@Component
class ClientKeys {

    enum KeyBy {
        TOKEN,
        IP,
        BASIC
    }

    /** Which limit a bucket has: the route's tier, a client's (override or tier), all users of a client. */
    enum Kind {
        OWN,
        CLIENT,
        USERS_OF_CLIENT
    }

    /** One bucket: its key, its kind, and the client whose override applies (CLIENT, USERS_OF_CLIENT). */
    record Key(String value, Kind kind, String client) {}

    private final ClientAddresses addresses;

    ClientKeys(ClientAddresses addresses) {
        this.addresses = addresses;
    }

    Mono<List<Key>> keysOf(ServerWebExchange exchange, KeyBy keyBy) {
        return switch (keyBy) {
            case IP -> Mono.just(List.of(own(ip(exchange))));
            case BASIC -> Mono.just(List.of(own(basicClient(exchange))));
            case TOKEN ->
                exchange.getPrincipal()
                        .filter(JwtAuthenticationToken.class::isInstance)
                        .map(principal -> ofToken(((JwtAuthenticationToken) principal).getTokenAttributes()))
                        .defaultIfEmpty(List.of(own(ip(exchange))));
        };
    }

    private static List<Key> ofToken(Map<String, Object> claims) {
        String client = text(claims.getOrDefault("azp", claims.get("client_id")));
        String subject = text(claims.get("sub"));
        if (client.isEmpty()) {
            return List.of(own("subject:" + subject));
        }
        if (subject.isEmpty() || subject.equals(client)) {
            return List.of(new Key("client:" + client, Kind.CLIENT, client));
        }
        return List.of(
                own("user:" + client + ":" + subject), new Key("users-of:" + client, Kind.USERS_OF_CLIENT, client));
    }

    private static Key own(String value) {
        return new Key(value, Kind.OWN, null);
    }

    private static String text(Object claim) {
        return claim == null ? "" : claim.toString();
    }

    private String basicClient(ServerWebExchange exchange) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String credentials = new String(
                        Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = credentials.indexOf(':');
                if (colon > 0) {
                    return "client:" + credentials.substring(0, colon) + "@" + ip(exchange);
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
