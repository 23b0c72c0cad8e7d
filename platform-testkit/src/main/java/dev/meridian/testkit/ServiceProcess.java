package dev.meridian.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Meridian service running as its own JVM from the jar the build packaged ({@code <module>/target}), its output
 * in a log file: what system tests, benchmarks and the local platform start.
 */
public final class ServiceProcess implements AutoCloseable {

    /** Small, quick-starting JVMs, for when several services share two cores. */
    public static final List<String> SMALL_JVM =
            List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

    private static final String VERSION = System.getProperty("meridian.version", "0.1.0-SNAPSHOT");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String module;
    private final Process process;
    private final Path log;

    private ServiceProcess(String module, Process process, Path log) {
        this.module = module;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code module}'s jar under {@code root} with the given JVM options and Spring Boot properties (as
     * {@code -D} options), logging to {@code <logFolder>/<module>.log}.
     */
    public static ServiceProcess start(
            Path root, String module, List<String> jvmOptions, Map<String, ?> properties, Path logFolder)
            throws IOException {
        Path jar = jar(root, module);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the build's package phase first");
        }
        return startJar(module, jar, jvmOptions, properties, logFolder);
    }

    /** The jar the build packages for {@code module}: {@code <root>/<module>/target/<module>-<version>.jar}. */
    public static Path jar(Path root, String module) {
        return root.resolve(module).resolve("target").resolve(module + "-" + VERSION + ".jar");
    }

    /** Starts any runnable jar as {@code name}, like {@link #start}: JVM options, {@code -D} properties, one log. */
    public static ServiceProcess startJar(
            String name, Path jar, List<String> jvmOptions, Map<String, ?> properties, Path logFolder)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        properties.forEach((property, value) -> command.add("-D" + property + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        Files.createDirectories(logFolder);
        Path log = logFolder.resolve(name + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ServiceProcess(name, process, log);
    }

    /** A free local port to start a service on. */
    public static int freePort() {
        return Endpoints.freePort();
    }

    /** Waits until the service answers 200 on {@code /readyz} at {@code port}; fails with its log's tail if not. */
    public void awaitReady(int port, Duration timeout) throws InterruptedException {
        awaitOk(URI.create("http://127.0.0.1:" + port + "/readyz"), timeout);
    }

    /** Waits until {@code url} answers 200; fails with the log's tail if it does not within {@code timeout}. */
    public void awaitOk(URI url, Duration timeout) throws InterruptedException {
        var ready = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException(module + " exited with code " + process.exitValue() + " before it answered "
                    + url + "; " + logTail(40));
        }
        throw new IllegalStateException(module + " did not answer " + url + " within " + timeout + "; " + logTail(40));
    }

    /** Completes with the exit code when the process ends, whoever ended it. */
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** The file its output goes to. */
    public Path log() {
        return log;
    }

    public String module() {
        return module;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The last lines the service logged, for a failure message. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return module + " (" + log + "):\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return module + ": log unreadable: " + e.getMessage();
        }
    }

    /** Kills the service as {@code kill -9} does: no graceful shutdown, no deregistration, connections reset. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Stops the service as SIGTERM does (graceful shutdown), killing it after 30 s. */
    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(30));
    }

    /**
     * Stops the service as SIGTERM does, killing it if it has not exited within {@code grace} (a JVM writing its AOT
     * cache at exit needs longer than a graceful shutdown alone).
     */
    public void close(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
