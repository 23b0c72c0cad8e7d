package dev.meridian.starters.instancehealth;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * Every load-balanced client of the application ({@code lb://} routes, {@code @FeignClient}s, {@code @LoadBalanced}
 * clients) balances over the instances that answer their readiness probe, not over every instance the registry still
 * lists: Spring Cloud LoadBalancer's own health-check supplier ({@link HealthCheckedInstanceList}), with path,
 * interval and refetch from {@code spring.cloud.loadbalancer.health-check.*}. Without it a killed instance stays in
 * the list until its Eureka lease expires (15 s in dev, 90 s by default), and calls and their retries keep reaching
 * it: a third of the gateway's reads failed for 11 s when one of two user-services was killed. An instance shutting
 * down gracefully stops being ready as its drain begins, so it leaves then, too.
 *
 * <p>This is what {@code spring.cloud.loadbalancer.configurations=health-check} would configure, with the probes on a
 * client of their own: that one takes Boot's observed client builder, which would trace and time every probe, and
 * gives blocking probes no time bound. Off with {@code meridian.instance-health.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass(ServiceInstanceListSupplier.class)
@ConditionalOnProperty(prefix = "meridian.instance-health", name = "enabled", matchIfMissing = true)
@LoadBalancerClients(defaultConfiguration = HealthCheckedInstanceList.class)
public class InstanceHealthAutoConfiguration {}
