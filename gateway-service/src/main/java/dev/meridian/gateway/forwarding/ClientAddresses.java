package dev.meridian.gateway.forwarding;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * Where a request comes from. The peer is the client unless it is one of {@code meridian.gateway.trusted-proxies}
 * (addresses or CIDR blocks: the load balancers in front of the gateway), whose {@code X-Forwarded-*} headers alone
 * are believed: then the client is the nearest address in {@code X-Forwarded-For} that is not a trusted proxy. A
 * header sent by anyone else is ignored, so a client cannot name an address of its choice.
 */
@Component
@EnableConfigurationProperties(ClientAddresses.Settings.class)
public class ClientAddresses {

    /** {@code meridian.gateway.trusted-proxies}: none by default (clients connect to the gateway directly). */
    @ConfigurationProperties("meridian.gateway")
    public record Settings(@DefaultValue List<String> trustedProxies) {}

    private final List<AddressBlock> trustedProxies;

    public ClientAddresses(Settings settings) {
        this.trustedProxies =
                settings.trustedProxies().stream().map(AddressBlock::parse).toList();
    }

    /** The client's address, as above ({@code unknown} when the connection has none). */
    public String clientIp(ServerHttpRequest request) {
        String address = peer(request);
        if (isTrustedProxy(address)) {
            List<String> forwarded = request.getHeaders().getValuesAsList("X-Forwarded-For");
            for (int i = forwarded.size() - 1; i >= 0; i--) {
                address = forwarded.get(i).trim();
                if (!isTrustedProxy(address)) {
                    break;
                }
            }
        }
        return address;
    }

    /** The address of the connection's other end. */
    static String peer(ServerHttpRequest request) {
        InetSocketAddress peer = request.getRemoteAddress();
        return peer == null || peer.getAddress() == null
                ? "unknown"
                : peer.getAddress().getHostAddress();
    }

    /** Whether {@code address} is a trusted proxy, whose {@code X-Forwarded-*} headers are believed. */
    public boolean isTrustedProxy(String address) {
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
