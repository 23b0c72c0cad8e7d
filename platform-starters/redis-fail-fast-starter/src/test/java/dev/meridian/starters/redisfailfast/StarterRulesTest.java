package dev.meridian.starters.redisfailfast;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.meridian.testkit.StarterRules;
import java.util.Set;

/** The starter depends on no service, and all but its API is package-private ({@link StarterRules}). */
@AnalyzeClasses(packagesOf = RedisFailFastAutoConfiguration.class, importOptions = ImportOption.DoNotIncludeTests.class)
class StarterRulesTest {

    @ArchTest
    static final ArchRule dependsOnNoService = StarterRules.dependOnNoService();

    @ArchTest
    static final ArchRule onlyItsApiIsPublic = StarterRules.onlyTheApiIsPublic(Set.of());
}
