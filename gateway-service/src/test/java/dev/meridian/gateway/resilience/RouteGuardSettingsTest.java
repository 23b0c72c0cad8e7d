package dev.meridian.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadAutoConfiguration;
import io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadMetricsAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Every route's guard runs with the {@code resilience4j.*} defaults of application.yml; one route can differ. */
class RouteGuardSettingsTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withConfiguration(AutoConfigurations.of(
                    MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class,
                    CircuitBreakerAutoConfiguration.class,
                    CircuitBreakerMetricsAutoConfiguration.class,
                    BulkheadAutoConfiguration.class,
                    BulkheadMetricsAutoConfiguration.class))
            .withUserConfiguration(RouteGuardGatewayFilterFactory.class);

    @Test
    void everyRouteGetsTheBreakerAndBulkheadOfApplicationYml() {
        context.run(context -> {
            var breaker = context.getBean(CircuitBreakerRegistry.class)
                    .circuitBreaker("user-service")
                    .getCircuitBreakerConfig();
            assertThat(breaker.getSlidingWindowType()).isEqualTo(SlidingWindowType.COUNT_BASED);
            assertThat(breaker.getSlidingWindowSize()).isEqualTo(20);
            assertThat(breaker.getMinimumNumberOfCalls()).isEqualTo(10);
            assertThat(breaker.getFailureRateThreshold()).isEqualTo(50);
            assertThat(breaker.getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(5_000);
            assertThat(breaker.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
            assertThat(breaker.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isFalse();
            var bulkhead = context.getBean(BulkheadRegistry.class)
                    .bulkhead("user-service")
                    .getBulkheadConfig();
            assertThat(bulkhead.getMaxConcurrentCalls()).isEqualTo(512);
            assertThat(bulkhead.getMaxWaitDuration()).isEqualTo(Duration.ZERO);
        });
    }

    @Test
    void aRouteOfItsOwnKeepsTheDefaultsItDoesNotOverride() {
        context.withPropertyValues(
                        "resilience4j.circuitbreaker.instances.audit-service.base-config=default",
                        "resilience4j.circuitbreaker.instances.audit-service.wait-duration-in-open-state=30s")
                .run(context -> {
                    var breakers = context.getBean(CircuitBreakerRegistry.class);
                    var own = breakers.circuitBreaker("audit-service").getCircuitBreakerConfig();
                    assertThat(own.getWaitIntervalFunctionInOpenState().apply(1))
                            .isEqualTo(30_000);
                    assertThat(own.getSlidingWindowSize()).isEqualTo(20);
                    assertThat(breakers.circuitBreaker("user-service")
                                    .getCircuitBreakerConfig()
                                    .getWaitIntervalFunctionInOpenState()
                                    .apply(1))
                            .isEqualTo(5_000);
                });
    }

    @Test
    void publishesEachRoutesStateOnceUnderTheNameDashboardsUse() {
        context.run(context -> {
            context.getBean(CircuitBreakerRegistry.class).circuitBreaker("user-service");
            context.getBean(BulkheadRegistry.class).bulkhead("user-service");
            var meters = context.getBean(MeterRegistry.class);
            assertThat(meters.find("resilience4j.circuitbreaker.state")
                            .tag("name", "user-service")
                            .tag("state", "open")
                            .gauges())
                    .hasSize(1);
            assertThat(meters.find("resilience4j.bulkhead.available.concurrent.calls")
                            .tag("name", "user-service")
                            .gauges())
                    .hasSize(1);
        });
    }
}
