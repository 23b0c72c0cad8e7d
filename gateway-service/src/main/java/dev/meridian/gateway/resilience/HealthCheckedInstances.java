package dev.meridian.gateway.resilience;

import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.annotation.Configuration;

/**
 * Each {@code lb://} route balances over the instances that answer their readiness probe, not over every instance
 * Eureka still lists: Spring Cloud LoadBalancer's own health-check supplier, with path, interval and refetch in
 * application.yml ({@code spring.cloud.loadbalancer.health-check.*}). Without it a killed instance stays in the list
 * until its lease expires (15 s in dev, 90 s by default), and the gateway's {@code Retry}, which shares one round
 * robin with every other request, sends a retry back to it about as often as not under concurrent load
 * (spring-cloud-gateway#3045): a third of the reads failed for 11 s when one of two user-services was killed. An
 * instance shutting down gracefully stops being ready as its drain begins, so it leaves then, too.
 *
 * <p>This is the {@code health-check} configuration of {@code spring.cloud.loadbalancer.configurations}, with the probes
 * on a {@code WebClient} of their own: that one wants Boot's observed {@code WebClient.Builder}, which would trace
 * and time every probe.
 */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClients(defaultConfiguration = HealthCheckedInstanceList.class)
class HealthCheckedInstances {}
