package dev.meridian.notification.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import feign.FeignException;
import feign.Request;
import feign.Response;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The link fetch's breaker runs with the {@code resilience4j.*} values of application.yml. */
class LinkBreakerTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withConfiguration(AutoConfigurations.of(
                    MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    CircuitBreakerAutoConfiguration.class,
                    CircuitBreakerMetricsAutoConfiguration.class))
            .withUserConfiguration(LinkBreaker.class);

    @Test
    void runsWithTheWindowAndOpenPeriodOfApplicationYml() {
        context.run(context -> {
            var config = context.getBean(CircuitBreakerRegistry.class)
                    .circuitBreaker(LinkBreaker.NAME)
                    .getCircuitBreakerConfig();
            assertThat(config.getSlidingWindowType()).isEqualTo(SlidingWindowType.COUNT_BASED);
            assertThat(config.getSlidingWindowSize()).isEqualTo(10);
            assertThat(config.getMinimumNumberOfCalls()).isEqualTo(5);
            assertThat(config.getFailureRateThreshold()).isEqualTo(50);
            assertThat(config.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(10_000);
            assertThat(config.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isTrue();
            assertThat(config.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(1);
        });
    }

    @Test
    void opensAfterFiveFailedFetchesButNotForGoneRequests() {
        context.run(context -> {
            var links = context.getBean(LinkBreaker.class);
            for (int i = 0; i < 10; i++) {
                assertThatThrownBy(() -> links.call(() -> {
                            throw answered(410);
                        }))
                        .isInstanceOf(FeignException.Gone.class);
            }
            var breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker(LinkBreaker.NAME);
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);

            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> links.call(() -> {
                            throw answered(503);
                        }))
                        .isInstanceOf(FeignException.ServiceUnavailable.class);
            }
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThatThrownBy(() -> links.call(() -> "not called")).isInstanceOf(CallNotPermittedException.class);
        });
    }

    @Test
    void publishesItsStateOnceUnderTheNameDashboardsUse() {
        context.run(context -> assertThat(context.getBean(MeterRegistry.class)
                        .find("resilience4j.circuitbreaker.state")
                        .tag("name", LinkBreaker.NAME)
                        .tag("state", "closed")
                        .gauges())
                .hasSize(1));
    }

    private static FeignException answered(int status) {
        var request = Request.create(
                Request.HttpMethod.POST,
                "http://user-service/internal/mail-links",
                Map.of(),
                null,
                StandardCharsets.UTF_8);
        return FeignException.errorStatus(
                "link",
                Response.builder()
                        .status(status)
                        .reason("answer")
                        .request(request)
                        .headers(Map.of())
                        .build());
    }
}
