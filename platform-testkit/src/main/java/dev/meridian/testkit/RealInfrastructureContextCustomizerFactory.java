package dev.meridian.testkit;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/** Turns {@link RealInfrastructure} into properties that outrank the application's own configuration. */
class RealInfrastructureContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(
            Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        RealInfrastructure annotation =
                TestContextAnnotationUtils.findMergedAnnotation(testClass, RealInfrastructure.class);
        if (annotation == null || annotation.value().length == 0) {
            return null;
        }
        return new Customizer(EnumSet.copyOf(List.of(annotation.value())));
    }

    /** A record, so contexts asking for the same servers are cached and shared by the test framework. */
    private record Customizer(Set<Server> servers) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            var environment = context.getEnvironment();
            String application = environment.getProperty("spring.application.name", "application");
            Map<String, Object> properties = new LinkedHashMap<>();
            servers.forEach(server -> properties.putAll(server.springProperties(application)));
            environment.getPropertySources().addFirst(new MapPropertySource("meridianRealInfrastructure", properties));
        }
    }
}
