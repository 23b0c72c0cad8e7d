package dev.meridian.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.testcontainers.DockerClientFactory;

/**
 * Whether Testcontainers can run here. Asked once per JVM; {@code MERIDIAN_DOCKER=false} skips the probe, and so does
 * a machine with no engine configured at all (no {@code DOCKER_HOST}, no Docker socket, no Testcontainers settings
 * file, no Docker CLI context): Testcontainers' probe would log an ERROR with a stack of strategies where no Docker is
 * expected.
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

    private static boolean engineConfigured() {
        return engineConfigured(System.getenv(), Path.of(System.getProperty("user.home")), uid());
    }

    /**
     * The places Testcontainers looks for an engine on Linux; any one of them is worth the probe: {@code DOCKER_HOST},
     * the sockets of Docker, rootless Docker and Docker Desktop, Testcontainers' settings file, and the Docker CLI's
     * current context (docker-java follows it: how Colima and Podman machines are usually found).
     */
    static boolean engineConfigured(Map<String, String> env, Path home, OptionalInt uid) {
        if (env.get("DOCKER_HOST") != null) {
            return true;
        }
        List<Path> candidates = new ArrayList<>(List.of(
                Path.of("/var/run/docker.sock"),
                home.resolve(".docker/run/docker.sock"),
                home.resolve(".docker/desktop/docker.sock"),
                home.resolve(".testcontainers.properties")));
        if (env.get("XDG_RUNTIME_DIR") != null) {
            candidates.add(Path.of(env.get("XDG_RUNTIME_DIR"), "docker.sock"));
        }
        uid.ifPresent(id -> candidates.add(Path.of("/run/user", Integer.toString(id), "docker.sock")));
        return candidates.stream().anyMatch(Files::exists) || namesAContext(home.resolve(".docker/config.json"));
    }

    private static boolean namesAContext(Path cliConfig) {
        try {
            return Files.isRegularFile(cliConfig) && Files.readString(cliConfig).contains("\"currentContext\"");
        } catch (IOException unreadable) {
            return false;
        }
    }

    private static OptionalInt uid() {
        try {
            return OptionalInt.of((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException notLinux) {
            return OptionalInt.empty();
        }
    }
}
