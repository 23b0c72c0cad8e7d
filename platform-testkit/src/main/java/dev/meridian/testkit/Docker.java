package dev.meridian.testkit;

import org.testcontainers.DockerClientFactory;

/**
 * Whether Testcontainers can run here. Asked once per JVM; {@code MERIDIAN_DOCKER=false} skips the probe
 * (and the ERROR line Testcontainers logs when no engine answers).
 */
final class Docker {

    private static Boolean available;

    private Docker() {}

    static synchronized boolean available() {
        if (available == null) {
            available = !"false".equalsIgnoreCase(Settings.getOrDefault("MERIDIAN_DOCKER", "auto"))
                    && DockerClientFactory.instance().isDockerAvailable();
        }
        return available;
    }
}
