package dev.meridian.discovery.registry;

import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How many instances of each platform service should be registered at least ({@code MERIDIAN_REGISTRY_EXPECTED_INSTANCES}:
 * 1 in compose, the replica count in Kubernetes). An application that has not registered at all has no entry for
 * Eureka to count, so the services are named here and each one gets a gauge, 0 included.
 */
@Validated
@ConfigurationProperties("meridian.registry.expected")
record ExpectedInstances(
        @DefaultValue("1") @Min(0) int instances,

        @DefaultValue({"gateway-service", "user-service", "auth-service", "audit-service", "notification-service"})
        List<String> applications) {}
