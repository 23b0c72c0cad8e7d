package dev.meridian.gateway.resilience;

import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The instance list of one service's load-balancer context ({@link HealthCheckedInstances}): Eureka's instances that
 * answer their probe. Not a scanned configuration, and not nested in one: Spring would register it in the gateway's
 * own context too.
 */
class HealthCheckedInstanceList {

    @Bean
    ServiceInstanceListSupplier healthCheckedInstances(ConfigurableApplicationContext context) {
        return ServiceInstanceListSupplier.builder()
                .withDiscoveryClient()
                .withHealthChecks(WebClient.create())
                .build(context);
    }
}
