package dev.meridian.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;

/**
 * Whether Testcontainers can run here. Asked once per JVM; {@code MERIDIAN_DOCKER=false} skips the probe, and so does
 * a machine with no engine configured at all (no {@code DOCKER_HOST}, no Docker socket, no Testcontainers settings
 * file): Testcontainers' probe would log an ERROR with a stack of strategies where no Docker is expected.
 */
final class Docker {

    private static Boolean available;

    private Docker() {}

    static synchronized boolean available() {
        if (available == null) {
            available = !"false".equalsIgnoreCase(Settings.getOrDefault("MERIDIAN_DOCKER", "auto"))
                    && engineConfigured()
                    && DockerClientFactory.instance().isDockerAvailable();
        }
        return available;
    }

    /** The places Testcontainers looks for an engine on Linux; any one of them is worth the probe. */
    private static boolean engineConfigured() {
        if (System.getenv("DOCKER_HOST") != null) {
            return true;
        }
        String home = System.getProperty("user.home");
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        List<Path> candidates = new ArrayList<>(List.of(
                Path.of("/var/run/docker.sock"),
                Path.of(home, ".docker/run/docker.sock"),
                Path.of(home, ".docker/desktop/docker.sock"),
                Path.of(home, ".testcontainers.properties")));
        if (runtime != null) {
            candidates.add(Path.of(runtime, "docker.sock"));
        }
        return candidates.stream().anyMatch(Files::exists);
    }
}
