package dev.meridian.gateway.ratelimit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Who a request counts against. {@code client}: the OAuth client of a valid access token ({@code azp}, else
 * {@code client_id}), else the client IP. {@code ip}: the client IP, which is the peer address unless the peer is a
 * trusted proxy, in which case it is the nearest address in {@code X-Forwarded-For} that is not one (a header sent
 * by anyone else is ignored, so it cannot be used to pick a fresh bucket). {@code basic}: the client id a token
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

    private final List<AddressBlock> trustedProxies;

    ClientKeys(RateLimitSettings settings) {
        this.trustedProxies =
                settings.trustedProxies().stream().map(AddressBlock::parse).toList();
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
        InetSocketAddress peer = exchange.getRequest().getRemoteAddress();
        String address = peer == null || peer.getAddress() == null
                ? "unknown"
                : peer.getAddress().getHostAddress();
        if (trusted(address)) {
            List<String> forwarded = exchange.getRequest().getHeaders().getValuesAsList("X-Forwarded-For");
            for (int i = forwarded.size() - 1; i >= 0; i--) {
                address = forwarded.get(i).trim();
                if (!trusted(address)) {
                    break;
                }
            }
        }
        return "ip:" + address;
    }

    private boolean trusted(String address) {
        if (trustedProxies.isEmpty()) {
            return false;
        }
        byte[] bytes;
        try {
            bytes = InetAddress.ofLiteral(address).getAddress();
        } catch (IllegalArgumentException notAnAddress) {
            return false;
        }
        return trustedProxies.stream().anyMatch(block -> block.contains(bytes));
    }

    /** An address or a CIDR block ({@code 10.0.0.0/8}, {@code fd00::/8}), parsed without any DNS look-up. */
    record AddressBlock(byte[] network, int prefixLength) {

        static AddressBlock parse(String block) {
            int slash = block.indexOf('/');
            byte[] network = InetAddress.ofLiteral(slash < 0 ? block : block.substring(0, slash))
                    .getAddress();
            int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(block.substring(slash + 1));
            return new AddressBlock(network, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefixLength; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
