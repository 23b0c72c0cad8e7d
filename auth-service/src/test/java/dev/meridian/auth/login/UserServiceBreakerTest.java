package dev.meridian.auth.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import feign.FeignException;
import feign.Request;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadAutoConfiguration;
import io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadMetricsAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code resilience4j.*} values in application.yml are the ones the credentials check's breaker runs with. */
class UserServiceBreakerTest {

    /** application.yml as the service reads it, with Resilience4j's starter and Boot's metrics, as in the app. */
    static final ApplicationContextRunner CONTEXT = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withConfiguration(AutoConfigurations.of(
                    MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    CircuitBreakerAutoConfiguration.class,
                    CircuitBreakerMetricsAutoConfiguration.class,
                    BulkheadAutoConfiguration.class,
                    BulkheadMetricsAutoConfiguration.class));

    @Test
    void runsWithTheWindowWaitAndBulkheadOfApplicationYml() {
        CONTEXT.withUserConfiguration(UserServiceBreaker.class).run(context -> {
            var breaker = context.getBean(CircuitBreakerRegistry.class)
                    .circuitBreaker(UserServiceBreaker.NAME)
                    .getCircuitBreakerConfig();
            assertThat(breaker.getSlidingWindowType()).isEqualTo(SlidingWindowType.COUNT_BASED);
            assertThat(breaker.getSlidingWindowSize()).isEqualTo(10);
            assertThat(breaker.getMinimumNumberOfCalls()).isEqualTo(5);
            assertThat(breaker.getFailureRateThreshold()).isEqualTo(50);
            assertThat(breaker.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(5_000);
            assertThat(breaker.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isTrue();
            assertThat(breaker.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(2);
            var bulkhead = context.getBean(BulkheadRegistry.class)
                    .bulkhead(UserServiceBreaker.NAME)
                    .getBulkheadConfig();
            assertThat(bulkhead.getMaxConcurrentCalls()).isEqualTo(50);
            assertThat(bulkhead.getMaxWaitDuration()).isEqualTo(Duration.ofMillis(200));
        });
    }

    @Test
    void opensAfterFiveFailuresAndNotForLockedOrUnknownUsers() {
        CONTEXT.withUserConfiguration(UserServiceBreaker.class).run(context -> {
            var guarded = context.getBean(UserServiceBreaker.class);
            for (int i = 0; i < 10; i++) {
                assertThatThrownBy(() -> guarded.call(() -> {
                            throw answered(404);
                        }))
                        .isInstanceOf(FeignException.NotFound.class);
                assertThatThrownBy(() -> guarded.call(() -> {
                            throw answered(429);
                        }))
                        .isInstanceOf(FeignException.TooManyRequests.class);
            }
            var breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker(UserServiceBreaker.NAME);
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();

            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> guarded.call(() -> {
                            throw answered(500);
                        }))
                        .isInstanceOf(FeignException.InternalServerError.class);
            }
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThatThrownBy(() -> guarded.call(() -> "not called")).isInstanceOf(CallNotPermittedException.class);
        });
    }

    @Test
    void publishesItsMetricsOnceUnderTheNameDashboardsUse() {
        CONTEXT.withUserConfiguration(UserServiceBreaker.class).run(context -> {
            var meters = context.getBean(MeterRegistry.class);
            assertThat(meters.find("resilience4j.circuitbreaker.state")
                            .tag("name", UserServiceBreaker.NAME)
                            .tag("state", "closed")
                            .gauges())
                    .hasSize(1);
            assertThat(meters.find("resilience4j.bulkhead.available.concurrent.calls")
                            .tag("name", UserServiceBreaker.NAME)
                            .gauges())
                    .hasSize(1)
                    .first()
                    .satisfies(gauge -> assertThat(gauge.value()).isEqualTo(50));
        });
    }

    static FeignException answered(int status) {
        var request = Request.create(
                Request.HttpMethod.POST, "http://user-service/internal", Map.of(), null, StandardCharsets.UTF_8);
        return FeignException.errorStatus(
                "check",
                feign.Response.builder()
                        .status(status)
                        .reason("answer")
                        .request(request)
                        .headers(Map.of())
                        .build());
    }
}
