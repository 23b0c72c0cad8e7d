package dev.meridian.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A service's JDK AOT cache (JEPs 483, 514, 515: classes loaded and linked, method profiles) kept beside its jar in
 * {@code <module>/target/devstack-aot/}. The JVM can only cache classes from a plain class path, not from inside
 * Spring Boot's nested jar, so the jar is extracted there first ({@code -Djarmode=tools extract}). The first run
 * trains ({@code -XX:AOTCacheOutput}: the JVM writes the cache when it exits); later runs start from it
 * ({@code -XX:AOTCache}). A new jar (a build) discards both the extraction and the cache.
 */
final class StartupCache {

    static final String STAMP = "jar.stamp";

    private final Path jar;
    private final Path folder;
    private final String module;
    private volatile boolean trainingReady;

    private StartupCache(Path jar, Path folder, String module) {
        this.jar = jar;
        this.folder = folder;
        this.module = module;
    }

    /** The cache for {@code jar}, extracting it again when the jar changed since the last run. */
    static StartupCache of(Path jar, String module) throws IOException, InterruptedException {
        var cache = new StartupCache(jar, jar.resolveSibling("devstack-aot"), module);
        cache.extractIfStale();
        return cache;
    }

    /** The jar to run: the extracted one, whose manifest names its libraries beside it. */
    Path runnableJar() {
        return folder.resolve("app").resolve(jar.getFileName());
    }

    boolean trained() {
        return Files.isRegularFile(cache());
    }

    /** Start from the cache, or (first run after a build) train it; only one JVM trains a given cache. */
    List<String> jvmOptions(boolean mayTrain) {
        if (trained()) {
            return List.of("-XX:AOTCache=" + cache());
        }
        return mayTrain ? List.of("-XX:AOTCacheOutput=" + training()) : List.of();
    }

    /** The training JVM became ready: what it recorded is a start worth repeating. */
    void trainingReady() {
        trainingReady = true;
    }

    /**
     * After the training JVM exited: keeps the cache only when that JVM became ready (a start that failed — a database
     * down, a port taken — would teach every later run a failing start, and make a retry skip training) and finished
     * writing it (its temporary configuration file is gone), so a JVM killed half-way leaves no broken cache behind.
     */
    void keepTraining() throws IOException {
        Path config = training().resolveSibling(training().getFileName() + ".config");
        if (trainingReady && Files.isRegularFile(training()) && !Files.exists(config)) {
            Files.move(training(), cache(), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(training());
            Files.deleteIfExists(config);
        }
    }

    private Path cache() {
        return folder.resolve(module + ".aot");
    }

    private Path training() {
        return folder.resolve(module + ".aot.training");
    }

    private void extractIfStale() throws IOException, InterruptedException {
        Path stamp = folder.resolve(STAMP);
        String current = stamp(jar);
        if (Files.isRegularFile(stamp)
                && Files.readString(stamp).equals(current)
                && Files.isRegularFile(runnableJar())) {
            return;
        }
        delete(folder);
        Files.createDirectories(folder);
        Process extract = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Djarmode=tools",
                        "-jar",
                        jar.toString(),
                        "extract",
                        "--destination",
                        folder.resolve("app").toString())
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("extract.log").toFile())
                .start();
        if (extract.waitFor() != 0) {
            throw new IllegalStateException(
                    "Could not extract " + jar + " for its start-up cache; see " + folder.resolve("extract.log"));
        }
        Files.writeString(stamp, current);
    }

    /** What the extraction and the cache were made from; any change discards both. */
    static String stamp(Path jar) throws IOException {
        // The JVM refuses a cache another JDK wrote (a warning in the service's log only): the JDK is in the stamp.
        return Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() + " " + Runtime.version() + " "
                + System.getProperty("java.home");
    }

    private static void delete(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
