package dev.meridian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the testkit asks Testcontainers for an engine at all (the probe logs an ERROR where none is expected). */
class DockerTest {

    @TempDir
    Path home;

    @Test
    void aMachineWithNoEngineConfiguredIsNotProbed() {
        // This machine's own /var/run/docker.sock decides too; the test is only meaningful where there is none.
        assumeFalse(Files.exists(Path.of("/var/run/docker.sock")));

        assertThat(Docker.engineConfigured(Map.of(), home, OptionalInt.empty())).isFalse();
    }

    @Test
    void dockerHostIsAnEngine() {
        assertThat(Docker.engineConfigured(
                        Map.of("DOCKER_HOST", "unix:///run/podman/podman.sock"), home, OptionalInt.empty()))
                .isTrue();
    }

    @Test
    void aDockerCliContextIsAnEngineAsColimaAndPodmanMachinesSetOne() throws Exception {
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"), "{\"currentContext\": \"colima\"}");

        assertThat(Docker.engineConfigured(Map.of(), home, OptionalInt.empty())).isTrue();
    }

    @Test
    void aRootlessSocketInTheRuntimeDirectoryIsAnEngine() throws Exception {
        Path runtime = Files.createDirectories(home.resolve("run"));
        Files.createFile(runtime.resolve("docker.sock"));

        assertThat(Docker.engineConfigured(Map.of("XDG_RUNTIME_DIR", runtime.toString()), home, OptionalInt.empty()))
                .isTrue();
    }

    @Test
    void aDockerCliConfigWithoutAContextIsNoEngine() throws Exception {
        assumeFalse(Files.exists(Path.of("/var/run/docker.sock")));
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"), "{\"auths\": {}}");

        assertThat(Docker.engineConfigured(Map.of(), home, OptionalInt.empty())).isFalse();
    }
}
