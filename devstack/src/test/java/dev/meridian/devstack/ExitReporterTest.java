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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child JVM that devstack started dies: devstack says so at once, naming it, its exit code and its log. */
class ExitReporterTest {

    @TempDir
    Path folder;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final ExitReporter exits = new ExitReporter(new PrintStream(console, true, StandardCharsets.UTF_8));
    private final List<ServiceProcess> started = new ArrayList<>();

    @AfterEach
    void stopWhatIsLeft() throws InterruptedException {
        for (ServiceProcess process : started) {
            process.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void aKilledServiceIsReportedWithItsExitCodeAndLog() throws Exception {
        ServiceProcess service = idleService();
        exits.watch("user-service", service);

        ProcessHandle.of(service.pid()).orElseThrow().destroyForcibly(); // SIGKILL, as the OOM killer would
        service.onExit().get(10, TimeUnit.SECONDS);

        assertThat(awaitConsole())
                .contains("user-service stopped (exit code 137)")
                .contains(service.log().toString());
    }

    @Test
    void processesDevstackStopsItselfAreNotReported() throws Exception {
        ServiceProcess service = idleService();
        exits.watch("user-service", service);

        exits.stopping();
        service.close(Duration.ofSeconds(10));
        service.onExit().get(10, TimeUnit.SECONDS);
        Thread.sleep(200); // the report, were there one, runs just after the exit

        assertThat(console.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private String awaitConsole() throws InterruptedException {
        for (int i = 0; i < 50 && console.size() == 0; i++) {
            Thread.sleep(100);
        }
        return console.toString(StandardCharsets.UTF_8);
    }

    /** A real JVM started the way devstack starts a service: a runnable jar, its output in a log file. */
    private ServiceProcess idleService() throws IOException {
        Path jar = folder.resolve("idle.jar");
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Idle.class.getName());
        String entry = Idle.class.getName().replace('.', '/') + ".class";
        try (var out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                InputStream classFile = Idle.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            classFile.transferTo(out);
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
