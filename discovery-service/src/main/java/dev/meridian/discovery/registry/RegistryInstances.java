package dev.meridian.discovery.registry;

import com.netflix.appinfo.InstanceInfo;
import com.netflix.discovery.shared.Application;
import com.netflix.eureka.registry.PeerAwareInstanceRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * {@code meridian_registry_instances{application}}: the instances of each expected service registered and {@code UP}
 * here, next to {@code meridian_registry_instances_expected}; an alert compares the two. Eureka 2 has no Micrometer
 * metrics of its own, and Prometheus' {@code up} cannot tell whether a running service is also findable.
 */
@Component
class RegistryInstances implements MeterBinder {

    private final PeerAwareInstanceRegistry registry;
    private final ExpectedInstances expected;

    RegistryInstances(PeerAwareInstanceRegistry registry, ExpectedInstances expected) {
        this.registry = registry;
        this.expected = expected;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        for (String application : expected.applications()) {
            String name = application.toLowerCase(Locale.ROOT);
            Gauge.builder("meridian.registry.instances", () -> up(name))
                    .description("Instances of the application registered here with status UP")
                    .tag("application", name)
                    .register(meters);
            Gauge.builder("meridian.registry.instances_expected", expected::instances)
                    .description("Instances of the application that should be registered at least")
                    .tag("application", name)
                    .register(meters);
        }
    }

    private long up(String application) {
        // Eureka keeps application names in upper case
        Application entry = registry.getApplication(application.toUpperCase(Locale.ROOT));
        if (entry == null) {
            return 0;
        }
        return entry.getInstances().stream()
                .filter(instance -> instance.getStatus() == InstanceInfo.InstanceStatus.UP)
                .count();
    }
}
