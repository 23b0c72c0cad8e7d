package dev.meridian.system;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules that keep Meridian a set of independent services sharing only their published language and starters
 * (one auto-configuration per cross-cutting concern). That a starter depends on no service, and keeps all but its
 * API package-private, each starter checks in its own build ({@code StarterRulesTest}, platform-testkit's
 * {@code StarterRules}).
 */
class ArchitectureTest {

    static final List<String> MODULES = List.of(
            "platform-events",
            "platform-starters/access-token-starter",
            "platform-starters/problem-responses-starter",
            "platform-starters/resource-server-starter",
            "platform-starters/event-intake-starter",
            "discovery-service",
            "gateway-service",
            "user-service",
            "auth-service",
            "audit-service",
            "notification-service");

    static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        Path root = Path.of(System.getProperty("meridian.root", ".."));
        List<Path> classFolders = MODULES.stream()
                .map(m -> root.resolve(m).resolve("target/classes"))
                .toList();
        // The build compiles every module before this one; a missing folder would make every rule pass vacuously.
        assertThat(classFolders).allMatch(Files::isDirectory);
        production = new ClassFileImporter().importPaths(classFolders);
    }

    @Test
    void noServiceDependsOnAnotherService() {
        slices().matching("dev.meridian.(*)..")
                .should()
                .notDependOnEachOther()
                .ignoreDependency(alwaysTrue(), resideInAPackage("dev.meridian.events.."))
                .ignoreDependency(alwaysTrue(), resideInAPackage("dev.meridian.starters.."))
                .check(production);
    }

    @Test
    void publishedLanguageIsPlainJavaWithoutLogicDependencies() {
        classes()
                .that()
                .resideInAPackage("dev.meridian.events..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("dev.meridian.events..", "java..")
                .check(production);
    }

    @Test
    void productionCodeNeverUsesTheTestkit() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.meridian.testkit..")
                .check(production);
    }

    @Test
    void packagesAreByFeatureNotByLayer() {
        noClasses()
                .should()
                .resideInAnyPackage(
                        "..controller..",
                        "..controllers..",
                        "..service..",
                        "..services..",
                        "..repository..",
                        "..repositories..",
                        "..dto..",
                        "..entity..",
                        "..impl..")
                .check(production);
    }

    @Test
    void noInterfaceImplPairs() {
        noClasses().should().haveSimpleNameEndingWith("Impl").check(production);
    }
}
