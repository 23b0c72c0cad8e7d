package dev.meridian.starters.instancehealth;

import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The instance list of one service's load-balancer context ({@link InstanceHealthAutoConfiguration}): the registry's
 * instances that answer their probe. Where WebClient can run (a reactive application: Spring WebFlux and Reactor
 * Netty), probes are non-blocking; elsewhere they are RestClient calls bounded by the probe interval, so an instance
 * that hangs holds no probe thread longer than a round. Not a scanned configuration, and not nested in one: Spring
 * would register it in the application's own context too.
 */
class HealthCheckedInstanceList {

    @Bean
    ServiceInstanceListSupplier healthCheckedInstances(ConfigurableApplicationContext context) {
        // The application's class path decides (the load-balancer context is its child).
        ApplicationContext application = context.getParent() == null ? context : context.getParent();
        ClassLoader classes = application.getClassLoader();
        if (ClassUtils.isPresent("org.springframework.web.reactive.function.client.WebClient", classes)
                && ClassUtils.isPresent("reactor.netty.http.client.HttpClient", classes)) {
            return ReactiveProbes.instances(context);
        }
        return ServiceInstanceListSupplier.builder()
                .withBlockingDiscoveryClient()
                .withBlockingHealthChecks(probes(probeInterval(context)))
                .build(context);
    }

    private static RestClient probes(Duration bound) {
        var requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(bound).build());
        requests.setReadTimeout(bound);
        return RestClient.builder().requestFactory(requests).build();
    }

    private static Duration probeInterval(ConfigurableApplicationContext context) {
        String service = context.getEnvironment().getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
        return context.getBean(LoadBalancerClientFactory.class)
                .getProperties(service)
                .getHealthCheck()
                .getInterval();
    }

    /** Apart, so that an application without WebFlux never loads WebClient. */
    private static final class ReactiveProbes {

        static ServiceInstanceListSupplier instances(ConfigurableApplicationContext context) {
            return ServiceInstanceListSupplier.builder()
                    .withDiscoveryClient()
                    .withHealthChecks(WebClient.create())
                    .build(context);
        }
    }
}
