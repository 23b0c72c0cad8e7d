package dev.meridian.auth;

import static org.awaitility.Awaitility.await;

import dev.meridian.testkit.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;

/**
 * A real user-service, from the jar its module's build packaged, that checks the passwords of the sign-ins under test
 * and trusts the tokens of the auth-service at {@code authPort} (issuer {@code issuer}).
 */
final class UserServiceJar {

    private UserServiceJar() {}

    static ServiceProcess start(
            Map<String, Object> infrastructure, int port, int authPort, String issuer, String logFolder)
            throws Exception {
        Map<String, Object> properties = new HashMap<>(infrastructure);
        properties.put("server.port", port);
        properties.put("eureka.client.enabled", false);
        properties.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", issuer);
        properties.put(
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                "http://127.0.0.1:" + authPort + "/oauth2/jwks");
        // These tests sign users up to sign them in: the answer names the account (201) instead of hiding whether the
        // address was registered (202, the default; its tests are user-service's and system-tests').
        properties.put("meridian.sign-up.reveal-existing-email", true);
        // Beside this JVM's own pools, on the shared PostgreSQL: a few connections are plenty for these tests.
        properties.put("spring.datasource.hikari.maximum-pool-size", 3);
        var process = ServiceProcess.start(
                Path.of(System.getProperty("meridian.root", "..")),
                "user-service",
                ServiceProcess.SMALL_JVM,
                properties,
                Path.of("target", logFolder));
        process.awaitReady(port, Duration.ofMinutes(2));
        return process;
    }

    /**
     * The ports of the user-service instances auth-service's load balancer currently chooses from: those that answered
     * its last readiness probe, one round every 2 s. An instance started after auth-service is not among them until the
     * next round, and a sign-in before it fails as if user-service were down.
     */
    static List<Integer> balancedOver(LoadBalancerClientFactory loadBalancers) {
        List<ServiceInstance> instances = loadBalancers
                .getInstance("user-service", ServiceInstanceListSupplier.class)
                .get()
                .blockFirst(Duration.ofSeconds(5));
        return instances == null
                ? List.of()
                : instances.stream().map(ServiceInstance::getPort).toList();
    }

    /** Waits until auth-service's load balancer chooses the instance on {@code port}. */
    static void awaitBalancedTo(LoadBalancerClientFactory loadBalancers, int port) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> balancedOver(loadBalancers).contains(port));
    }
}
