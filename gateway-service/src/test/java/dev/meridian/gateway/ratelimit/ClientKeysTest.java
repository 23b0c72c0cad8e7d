package dev.meridian.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.gateway.forwarding.ClientAddresses;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class ClientKeysTest {

    private final ClientKeys behindTheLoadBalancer =
            new ClientKeys(new ClientAddresses(new ClientAddresses.Settings(List.of("10.0.0.0/8", "192.168.1.7"))));

    @Test
    void anIpKeyIsTheClientAddressNotAForwardedAddressTheClientNamed() {
        assertThat(behindTheLoadBalancer.ip(from("10.1.2.3", "203.0.113.9"))).isEqualTo("ip:203.0.113.9");
        assertThat(behindTheLoadBalancer.ip(from("198.51.100.4", "203.0.113.9")))
                .isEqualTo("ip:198.51.100.4");
    }

    @Test
    void aTokenRequestCountsAgainstTheClientItNamesInBasicCredentialsOnlyTogetherWithItsAddress() {
        var request = MockServerHttpRequest.post("/oauth2/token")
                .remoteAddress(new InetSocketAddress("198.51.100.4", 5000))
                .header("Authorization", "Basic d2ViOnNlY3JldA==") // web:secret
                .build();

        assertThat(behindTheLoadBalancer
                        .keysOf(MockServerWebExchange.from(request), ClientKeys.KeyBy.BASIC)
                        .block())
                .extracting(ClientKeys.Key::value)
                .containsExactly("client:web@ip:198.51.100.4");
    }

    private static MockServerWebExchange from(String peer, String forwardedFor) {
        return MockServerWebExchange.from(MockServerHttpRequest.get("/api/users/me")
                .remoteAddress(new InetSocketAddress(peer, 5000))
                .header("X-Forwarded-For", forwardedFor)
                .build());
    }
}
