package dev.meridian.starters.instancehealth;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The starter's wiring, and its instance lists against real HTTP servers: one that answers its probe, one port that
 * refuses. Both probe clients are exercised — WebClient (this test's class path has WebFlux and Reactor Netty) and,
 * with WebClient hidden as in a servlet application, RestClient — told apart by the User-Agent the live server saw.
 */
class InstanceHealthAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    InstanceHealthAutoConfiguration.class,
                    LoadBalancerAutoConfiguration.class,
                    UtilAutoConfiguration.class,
                    SimpleDiscoveryClientAutoConfiguration.class,
                    SimpleReactiveDiscoveryClientAutoConfiguration.class));

    private final Queue<String> probes = new ConcurrentLinkedQueue<>();
    private HttpServer live;

    @AfterEach
    void stop() {
        if (live != null) {
            live.stop(0);
        }
    }

    @Test
    void everyLoadBalancedClientGetsTheHealthCheckedListByDefault() {
        runner.run(context -> assertThat(specifications(context)).contains(HealthCheckedInstanceList.class));
    }

    @Test
    void switchedOffTheRegistrysListIsLeftAsSpringCloudBuildsIt() {
        runner.withPropertyValues("meridian.instance-health.enabled=false")
                .run(context -> assertThat(specifications(context)).doesNotContain(HealthCheckedInstanceList.class));
    }

    @Test
    void aReactiveApplicationBalancesOnlyOverInstancesThatAnswerTheirProbeProbingWithWebClient() throws Exception {
        String liveUri = startLive();
        runner.withPropertyValues(instances(liveUri)).run(context -> {
            assertThat(firstProbedList(context))
                    .extracting(ServiceInstance::getUri)
                    .map(Object::toString)
                    .containsExactly(liveUri);
            assertThat(probes).allMatch(agent -> agent.startsWith("ReactorNetty"));
        });
    }

    @Test
    void aServletApplicationBalancesOnlyOverInstancesThatAnswerTheirProbeProbingWithRestClient() throws Exception {
        String liveUri = startLive();
        runner.withClassLoader(new FilteredClassLoader(WebClient.class))
                .withPropertyValues(instances(liveUri))
                .run(context -> {
                    assertThat(firstProbedList(context))
                            .extracting(ServiceInstance::getUri)
                            .map(Object::toString)
                            .containsExactly(liveUri);
                    assertThat(probes).isNotEmpty().allMatch(agent -> agent.startsWith("Java-http-client"));
                });
    }

    private static List<Class<?>> specifications(ApplicationContext context) {
        return context.getBeansOfType(LoadBalancerClientSpecification.class).values().stream()
                .flatMap(specification -> List.of(specification.getConfiguration()).stream())
                .toList();
    }

    /** The first list the health-checked supplier emits: every probe of the round answered or failed. */
    private static List<ServiceInstance> firstProbedList(ApplicationContext context) {
        ServiceInstanceListSupplier supplier = context.getBean(LoadBalancerClientFactory.class)
                .getInstance("users", ServiceInstanceListSupplier.class);
        return supplier.get().filter(instances -> !instances.isEmpty()).blockFirst(Duration.ofSeconds(10));
    }

    private String[] instances(String liveUri) throws IOException {
        return new String[] {
            "spring.cloud.discovery.client.simple.instances.users[0].uri=" + liveUri,
            "spring.cloud.discovery.client.simple.instances.users[1].uri=http://127.0.0.1:" + refusedPort(),
            "spring.cloud.loadbalancer.health-check.path.default=/readyz",
            "spring.cloud.loadbalancer.health-check.interval=500ms",
            // Each round's list as a whole: the first one emitted is then the verdict on both instances.
            "spring.cloud.loadbalancer.health-check.update-results-list=false"
        };
    }

    private String startLive() throws IOException {
        live = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        live.createContext("/readyz", exchange -> {
            probes.add(String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        live.start();
        return "http://127.0.0.1:" + live.getAddress().getPort();
    }

    /** A port nothing listens on: connections to it are refused. */
    private static int refusedPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
