package dev.meridian.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.ServiceProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM that devstack started dies: devstack says so at once, naming it, its exit code and its log, and with
 * {@code --restart} starts it again.
 */
class ExitReporterTest {

    @TempDir
    Path folder;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final ExitReporter exits =
            new ExitReporter(new PrintStream(console, true, StandardCharsets.UTF_8), Duration.ofMillis(100));
    private final List<ServiceProcess> started = new CopyOnWriteArrayList<>(); // restarts add from their thread

    @AfterEach
    void stopWhatIsLeft() throws InterruptedException {
        for (ServiceProcess process : started) {
            process.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void aKilledServiceIsReportedWithItsExitCodeAndLog() throws Exception {
        ServiceProcess service = idleService();
        exits.watch("user-service", service, null);

        ProcessHandle.of(service.pid()).orElseThrow().destroyForcibly(); // SIGKILL, as the OOM killer would
        service.onExit().get(10, TimeUnit.SECONDS);

        assertThat(awaitConsoleContaining(service.log().toString()))
                .contains("user-service stopped (exit code 137)")
                .contains(service.log().toString());
    }

    @Test
    void processesDevstackStopsItselfAreNotReported() throws Exception {
        ServiceProcess service = idleService();
        exits.watch("user-service", service, null);

        exits.stopping();
        service.close(Duration.ofSeconds(10));
        service.onExit().get(10, TimeUnit.SECONDS);
        Thread.sleep(200); // the report, were there one, runs just after the exit

        assertThat(console.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void withRestartAKilledServiceIsStartedAgainAndWatchedAgain() throws Exception {
        List<ServiceProcess> starts = new CopyOnWriteArrayList<>();
        Callable<ServiceProcess> again = () -> {
            ServiceProcess next = idleService();
            starts.add(next);
            return next;
        };
        ServiceProcess first = idleService();
        exits.watch("user-service", first, again);

        kill(first);
        ServiceProcess second = awaitStart(starts, 1);
        assertThat(second.pid()).isNotEqualTo(first.pid());
        assertThat(ProcessHandle.of(second.pid()))
                .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        assertThat(console.toString(StandardCharsets.UTF_8))
                .contains("user-service stopped (exit code 137); starting it again");

        kill(second); // the new process is watched the same way
        awaitStart(starts, 2);
    }

    @Test
    void aServiceThatCannotStartAgainIsReportedOnceNotRetriedInALoop() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        ServiceProcess first = idleService();
        exits.watch("user-service", first, () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("user-service exited with code 1 before it answered");
        });

        kill(first);

        assertThat(awaitConsoleContaining("could not start again"))
                .contains("user-service could not start again: user-service exited with code 1");
        Thread.sleep(500);
        assertThat(attempts).hasValue(1);
    }

    private static void kill(ServiceProcess process) throws Exception {
        ProcessHandle.of(process.pid()).orElseThrow().destroyForcibly();
        process.onExit().get(10, TimeUnit.SECONDS);
    }

    private static ServiceProcess awaitStart(List<ServiceProcess> starts, int count) throws InterruptedException {
        for (int i = 0; i < 100 && starts.size() < count; i++) {
            Thread.sleep(100);
        }
        assertThat(starts).as("starts after a kill").hasSize(count);
        return starts.getLast();
    }

    private String awaitConsoleContaining(String text) throws InterruptedException {
        for (int i = 0; i < 100 && !console.toString(StandardCharsets.UTF_8).contains(text); i++) {
            Thread.sleep(100);
        }
        return console.toString(StandardCharsets.UTF_8);
    }

    /** A real JVM started the way devstack starts a service: a runnable jar, its output in a log file. */
    private ServiceProcess idleService() throws IOException {
        Path jar = folder.resolve("idle.jar");
        if (!Files.exists(jar)) {
            var manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Idle.class.getName());
            String entry = Idle.class.getName().replace('.', '/') + ".class";
            try (var out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                    InputStream classFile = Idle.class.getClassLoader().getResourceAsStream(entry)) {
                out.putNextEntry(new JarEntry(entry));
                classFile.transferTo(out);
            }
        }
        ServiceProcess process =
                ServiceProcess.startJar("idle", jar, List.of("-Xmx32m"), Map.of(), folder.resolve("logs"));
        started.add(process);
        return process;
    }

    /** The child's whole program: wait to be killed. */
    public static final class Idle {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("idle: up");
            Thread.sleep(Duration.ofMinutes(2));
        }
    }
}
