package dev.meridian.gateway.forwarding;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class ForwardedHeadersTest {

    private final ForwardedHeaders forwarded =
            new ForwardedHeaders(new ClientAddresses(new ClientAddresses.Settings(List.of("10.0.0.0/8"))));

    @Test
    void aClientConnectingDirectlyCannotNameAnotherAddressHostOrScheme() {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://gateway.example:8080/api/users/me")
                .remoteAddress(new InetSocketAddress("198.51.100.4", 5000))
                .header("Host", "gateway.example:8080")
                .header("X-Forwarded-For", "6.6.6.6")
                .header("X-Forwarded-Host", "evil.example")
                .header("X-Forwarded-Proto", "https")
                .build());

        HttpHeaders passedOn = forwarded.filter(new HttpHeaders(), exchange);

        assertThat(passedOn.getFirst("X-Forwarded-For")).isEqualTo("198.51.100.4");
        assertThat(passedOn.getFirst("X-Forwarded-Host")).isEqualTo("gateway.example:8080");
        assertThat(passedOn.getFirst("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(passedOn.getFirst("X-Forwarded-Port")).isEqualTo("8080");
    }

    @Test
    void behindATrustedProxyWhatItForwardedIsPassedOnWithThePeerAdded() {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://gateway:8080/api/users/me")
                .remoteAddress(new InetSocketAddress("10.1.2.3", 5000))
                .header("Host", "gateway:8080")
                .header("X-Forwarded-For", "203.0.113.9")
                .header("X-Forwarded-Host", "api.example.com")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Port", "443")
                .build());
        var kept = new HttpHeaders();
        kept.add("Authorization", "Bearer token");

        HttpHeaders passedOn = forwarded.filter(kept, exchange);

        assertThat(passedOn.getFirst("X-Forwarded-For")).isEqualTo("203.0.113.9, 10.1.2.3");
        assertThat(passedOn.getFirst("X-Forwarded-Host")).isEqualTo("api.example.com");
        assertThat(passedOn.getFirst("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(passedOn.getFirst("X-Forwarded-Port")).isEqualTo("443");
        assertThat(passedOn.getFirst("Authorization")).isEqualTo("Bearer token");
    }
}
