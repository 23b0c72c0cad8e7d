package dev.meridian.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operators' compose path run for real: {@code deploy/compose-smoke.sh} builds the images without a registry
 * (Debian base, jlinked Java 25, infrastructure from Debian packages and Maven Central, the six services from the jars
 * this build packaged), starts docker-compose.yml with podman, waits for every healthcheck, runs the walkthrough
 * through the gateway (sign up, the mailed code, sign in, the welcome mail, the first administrator from compose's
 * secrets reading her audit log) and removes the stack. Its output is in target/compose-smoke.log. It needs podman
 * as root (.ci/run installs podman, runc, debootstrap and docker-compose); without podman it is skipped.
 */
class ComposeStackIT {

    private static final Path ROOT = Path.of(System.getProperty("meridian.root", ".."));
    private static final Path OUTPUT = Path.of("target", "compose-smoke.log").toAbsolutePath();
    /** A cold image store (debootstrap, jlink, AOT training of six images) takes longest; a warm one a few minutes. */
    private static final Duration TIMEOUT = Duration.ofMinutes(25);

    @Test
    void theComposeStackBuiltHereComesUpHealthyAndPassesTheWalkthrough() throws Exception {
        assumeTrue(
                onPath("podman") && onPath("docker-compose") && onPath("debootstrap"),
                "podman, docker-compose or debootstrap not installed (.ci/run installs them): the compose stack"
                        + " cannot run here");
        assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "not root: podman's networks and memory limits on this path need root");
        Files.createDirectories(OUTPUT.getParent());

        ProcessBuilder script = new ProcessBuilder("bash", "deploy/compose-smoke.sh");
        // This build may hold the machine's Maven lock (CI runs under it): the script's own Maven call must not wait
        // for it, or it waits for this test to end.
        script.environment().put("MERIDIAN_MAVEN_LOCK", "");
        Process smoke = script.directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(OUTPUT.toFile())
                .start();
        boolean ended = smoke.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            // SIGTERM: the script's trap removes the stack.
            smoke.destroy();
            smoke.waitFor(2, TimeUnit.MINUTES);
        }
        String output = Files.readString(OUTPUT, StandardCharsets.UTF_8);

        assertThat(ended).as("ended within %s:%n%s", TIMEOUT, tail(output)).isTrue();
        assertThat(smoke.exitValue()).as(tail(output)).isZero();
        assertThat(output)
                .as(tail(output))
                .contains(
                        "smoke: all 10 containers healthy",
                        "signed up ",
                        "address verified with the mail's code",
                        "signed in as her",
                        "welcome mail caught: Subject: Welcome to Meridian",
                        "dev.meridian.user.created.v1",
                        "smoke: PASSED");
        for (String container : List.of(
                "postgres",
                "redis",
                "kafka",
                "mailpit",
                "discovery-service",
                "user-service",
                "auth-service",
                "audit-service",
                "notification-service",
                "gateway-service")) {
            assertThat(output).as("memory of " + container).containsPattern("smoke:   " + container + " +\\S+ / ");
        }
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static boolean onPath(String tool) throws IOException {
        // debootstrap and runc are in sbin, which a non-login root shell may leave off its PATH.
        for (String folder : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, tool))) {
                return true;
            }
        }
        return false;
    }
}
