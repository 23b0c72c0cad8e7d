package dev.meridian.gateway.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class ClientAddressesTest {

    private final ClientAddresses behindTheLoadBalancer =
            new ClientAddresses(new ClientAddresses.Settings(List.of("10.0.0.0/8", "192.168.1.7")));

    @Test
    void theForwardedAddressIsBelievedOnlyFromATrustedProxy() {
        assertThat(behindTheLoadBalancer.clientIp(from("10.1.2.3", "203.0.113.9")))
                .isEqualTo("203.0.113.9");
        assertThat(behindTheLoadBalancer.clientIp(from("198.51.100.4", "203.0.113.9")))
                .as("a client naming an address of its choice")
                .isEqualTo("198.51.100.4");
    }

    @Test
    void theClientIsTheNearestAddressThatIsNotATrustedProxy() {
        assertThat(behindTheLoadBalancer.clientIp(from("10.1.2.3", "6.6.6.6, 203.0.113.9, 192.168.1.7")))
                .as("the spoofed leftmost entry is ignored")
                .isEqualTo("203.0.113.9");
    }

    @Test
    void withoutTrustedProxiesForwardedHeadersAreIgnored() {
        var direct = new ClientAddresses(new ClientAddresses.Settings(List.of()));

        assertThat(direct.clientIp(from("10.1.2.3", "203.0.113.9"))).isEqualTo("10.1.2.3");
        assertThat(direct.isTrustedProxy(ClientAddresses.peer(from("10.1.2.3", "203.0.113.9"))))
                .isFalse();
    }

    static ServerHttpRequest from(String peer, String forwardedFor) {
        return MockServerHttpRequest.get("http://gateway.example/api/users/me")
                .remoteAddress(new InetSocketAddress(peer, 5000))
                .header("X-Forwarded-For", forwardedFor)
                .build();
    }
}
