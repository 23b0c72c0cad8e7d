package dev.meridian.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.netty.channel.AbortedException;

class GatewayErrorsTest {

    private final GatewayErrors errors = new GatewayErrors();

    @Test
    void aClientThatLeftBeforeItsAnswerWasWrittenGetsNothing() {
        for (Throwable left : new Throwable[] {
            new AbortedException("Connection has been closed BEFORE send operation"),
            new IOException("Connection reset by peer"),
            new IOException("Broken pipe")
        }) {
            var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/users/me"));

            var passedOn = new AtomicReference<Throwable>();

            errors.handle(exchange, left)
                    .doOnError(passedOn::set)
                    .onErrorComplete()
                    .block();

            assertThat(exchange.getResponse().getStatusCode())
                    .as(left.toString())
                    .isNull();
            assertThat(exchange.getResponse().isCommitted()).as(left.toString()).isFalse();
            assertThat(passedOn)
                    .as("left to Spring's handling of disconnected clients")
                    .hasValue(left);
        }
    }

    @Test
    void anUnexpectedFailureIsA500ProblemWithoutInternals() {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/users/me"));

        errors.handle(exchange, new IllegalStateException("secret internals")).block();

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(exchange.getResponse().getBodyAsString().block())
                .contains("\"status\":500")
                .doesNotContain("secret internals");
    }
}
