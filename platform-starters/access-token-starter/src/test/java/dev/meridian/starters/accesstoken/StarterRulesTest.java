package dev.meridian.starters.accesstoken;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The starter's own architecture, checked in its own build: it depends on no service (only on the published language
 * and libraries), and what a service may use is public while the rest is package-private, so the compiler keeps
 * services on the API.
 */
@AnalyzeClasses(
        packagesOf = RevocationListAutoConfiguration.class,
        importOptions = ImportOption.DoNotIncludeTests.class)
class StarterRulesTest {

    /** Called by services directly, without being a bean; every other public type is one of the kinds below. */
    private static final Set<String> HELPERS = Set.of(); // none: everything public here is a bean or configuration

    @ArchTest
    static final ArchRule dependsOnNoService = classes()
            .should()
            .onlyDependOnClassesThat(resideInAnyPackage("dev.meridian.starters..", "dev.meridian.events..")
                    .or(resideOutsideOfPackage("dev.meridian..")));

    @ArchTest
    static final ArchRule onlyItsApiIsPublic =
            classes().that().arePublic().and().areTopLevelClasses().should(beTheStartersApi());

    private static ArchCondition<JavaClass> beTheStartersApi() {
        return new ArchCondition<>(
                "be an auto-configuration, its properties, a bean type it offers services, or a helper they call") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean api = type.isAnnotatedWith(AutoConfiguration.class)
                        || type.isAnnotatedWith(ConfigurationProperties.class)
                        || type.getMethodsWithReturnTypeOfSelf().stream()
                                .anyMatch(method -> method.isAnnotatedWith(Bean.class)
                                        && method.getOwner().isAnnotatedWith(AutoConfiguration.class))
                        || HELPERS.contains(type.getName());
                if (!api) {
                    events.add(SimpleConditionEvent.violated(
                            type,
                            type.getName() + " is public but no part of the starter's API: make it package-private"));
                }
            }
        };
    }
}
