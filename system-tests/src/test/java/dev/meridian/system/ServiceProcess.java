package dev.meridian.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One Meridian service running as its own JVM from the jar the build packaged, its output in a log file. */
final class ServiceProcess implements AutoCloseable {

    private static final Path ROOT = Path.of(System.getProperty("meridian.root", ".."));
    private static final String VERSION = System.getProperty("meridian.version", "0.1.0-SNAPSHOT");

    private final String module;
    private final Process process;
    private final Path log;

    private ServiceProcess(String module, Process process, Path log) {
        this.module = module;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code module}'s jar with the given Spring Boot properties as {@code -D} options. */
    static ServiceProcess start(String module, Map<String, Object> properties, Path logFolder) throws IOException {
        Path jar = ROOT.resolve(module).resolve("target").resolve(module + "-" + VERSION + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the build's package phase first");
        }
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                // Small, quick-starting JVMs: six of them share two cores during the test.
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto"));
        properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        Files.createDirectories(logFolder);
        Path log = logFolder.resolve(module + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ServiceProcess(module, process, log);
    }

    String module() {
        return module;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines the service logged, for a failure message. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return module + " (" + log + "):\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return module + ": log unreadable: " + e.getMessage();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
