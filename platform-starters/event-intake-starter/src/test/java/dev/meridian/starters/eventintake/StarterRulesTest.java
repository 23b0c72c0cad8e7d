package dev.meridian.starters.eventintake;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.meridian.testkit.StarterRules;
import java.util.Set;

/** The starter depends on no service, and all but its API is package-private ({@link StarterRules}). */
@AnalyzeClasses(packagesOf = EventIntakeAutoConfiguration.class, importOptions = ImportOption.DoNotIncludeTests.class)
class StarterRulesTest {

    @ArchTest
    static final ArchRule dependsOnNoService = StarterRules.dependOnNoService();

    /**
     * {@code UnreadableEvent}: services throw it for a record that is no event (poison, straight to the DLT);
     * {@code UserEventReader}: the one way they read a record into the published language.
     */
    @ArchTest
    static final ArchRule onlyItsApiIsPublic = StarterRules.onlyTheApiIsPublic(Set.of(
            "dev.meridian.starters.eventintake.UnreadableEvent", "dev.meridian.starters.eventintake.UserEventReader"));
}
