package dev.meridian.auth.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.auth.login.UserServiceBreaker;
import feign.FeignException;
import feign.Request;
import feign.Response;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The account pages' breaker is sized as sign-in's ({@code resilience4j.*} in application.yml) but is its own: 4xx
 * answers never open it, and opening it leaves sign-in's closed.
 */
class AccountCallsBreakerTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withConfiguration(
                    AutoConfigurations.of(CircuitBreakerAutoConfiguration.class, BulkheadAutoConfiguration.class))
            .withBean(SimpleMeterRegistry.class)
            .withUserConfiguration(UserServiceBreaker.class, AccountCalls.class);

    @Test
    void isSizedAsSignInsBreaker() {
        context.run(context -> {
            var breaker = context.getBean(CircuitBreakerRegistry.class)
                    .circuitBreaker(AccountCalls.NAME)
                    .getCircuitBreakerConfig();
            assertThat(breaker.getSlidingWindowSize()).isEqualTo(10);
            assertThat(breaker.getMinimumNumberOfCalls()).isEqualTo(5);
            assertThat(breaker.getFailureRateThreshold()).isEqualTo(50);
            assertThat(breaker.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(5_000);
            assertThat(breaker.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(2);
            var bulkhead = context.getBean(BulkheadRegistry.class)
                    .bulkhead(AccountCalls.NAME)
                    .getBulkheadConfig();
            assertThat(bulkhead.getMaxConcurrentCalls()).isEqualTo(50);
            assertThat(bulkhead.getMaxWaitDuration()).isEqualTo(Duration.ofMillis(200));
        });
    }

    @Test
    void forgedLinksAndTakenAddressesDoNotOpenItAndFailuresOpenOnlyIt() {
        context.run(context -> {
            var calls = context.getBean(AccountCalls.class);
            var breakers = context.getBean(CircuitBreakerRegistry.class);
            for (int i = 0; i < 10; i++) {
                assertThatThrownBy(() -> calls.call("verify", () -> {
                            throw answered(400);
                        }))
                        .isInstanceOf(AccountCalls.Rejected.class);
                assertThatThrownBy(() -> calls.call("change email", () -> {
                            throw answered(409);
                        }))
                        .isInstanceOf(AccountCalls.Conflict.class);
            }
            assertThat(breakers.circuitBreaker(AccountCalls.NAME).getState()).isEqualTo(CircuitBreaker.State.CLOSED);

            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> calls.call("sign up", () -> {
                            throw answered(503);
                        }))
                        .isInstanceOf(AccountCalls.Unavailable.class);
            }
            assertThat(breakers.circuitBreaker(AccountCalls.NAME).getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(breakers.circuitBreaker("user-service").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        });
    }

    @Test
    void publishesItsMetricsOnceUnderItsOwnName() {
        context.run(context -> {
            var meters = context.getBean(SimpleMeterRegistry.class);
            assertThat(meters.find("resilience4j.circuitbreaker.state")
                            .tag("name", AccountCalls.NAME)
                            .tag("state", "closed")
                            .gauges())
                    .hasSize(1);
            assertThat(meters.find("resilience4j.bulkhead.available.concurrent.calls")
                            .tag("name", AccountCalls.NAME)
                            .gauges())
                    .hasSize(1);
        });
    }

    private static FeignException answered(int status) {
        var request = Request.create(
                Request.HttpMethod.POST, "http://user-service/internal", Map.of(), null, StandardCharsets.UTF_8);
        return FeignException.errorStatus(
                "call",
                Response.builder()
                        .status(status)
                        .reason("answer")
                        .request(request)
                        .headers(Map.of())
                        .build());
    }
}
