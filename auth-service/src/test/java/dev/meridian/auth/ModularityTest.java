package dev.meridian.auth;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/**
 * The feature packages under {@code dev.meridian.auth} are Spring Modulith application modules: none reaches into
 * another's sub-packages or non-public types, and no two depend on each other in a cycle.
 */
class ModularityTest {

    @Test
    void featurePackagesUseEachOthersApiOnlyAndFormNoCycle() {
        ApplicationModules.of(AuthApplication.class).verify();
    }
}
