package dev.meridian.testkit;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;

/**
 * A starter's own architecture, checked in its own build ({@code StarterRulesTest} in each starter): it depends on no
 * service (only on the published language and libraries), and what a service may use is public while the rest is
 * package-private, so the compiler keeps services on the API.
 */
public final class StarterRules {

    // By name: the testkit itself does not depend on Spring Boot.
    private static final String AUTO_CONFIGURATION = "org.springframework.boot.autoconfigure.AutoConfiguration";
    private static final String CONFIGURATION_PROPERTIES =
            "org.springframework.boot.context.properties.ConfigurationProperties";
    private static final String BEAN = "org.springframework.context.annotation.Bean";

    private StarterRules() {}

    public static ArchRule dependOnNoService() {
        return classes()
                .should()
                .onlyDependOnClassesThat(resideInAnyPackage("dev.meridian.starters..", "dev.meridian.events..")
                        .or(resideOutsideOfPackage("dev.meridian..")));
    }

    /**
     * {@code helpers}: the fully qualified names of public types services call directly without their being beans;
     * every other public top-level type is an auto-configuration, its properties, or a bean type it offers.
     */
    public static ArchRule onlyTheApiIsPublic(Set<String> helpers) {
        return classes().that().arePublic().and().areTopLevelClasses().should(beTheStartersApi(helpers));
    }

    private static ArchCondition<JavaClass> beTheStartersApi(Set<String> helpers) {
        return new ArchCondition<>(
                "be an auto-configuration, its properties, a bean type it offers services, or a helper they call") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean api = type.isAnnotatedWith(AUTO_CONFIGURATION)
                        || type.isAnnotatedWith(CONFIGURATION_PROPERTIES)
                        || type.getMethodsWithReturnTypeOfSelf().stream()
                                .anyMatch(method -> method.isAnnotatedWith(BEAN)
                                        && method.getOwner().isAnnotatedWith(AUTO_CONFIGURATION))
                        || helpers.contains(type.getName());
                if (!api) {
                    events.add(SimpleConditionEvent.violated(
                            type,
                            type.getName() + " is public but no part of the starter's API: make it package-private"));
                }
            }
        };
    }
}
