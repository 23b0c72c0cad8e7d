package dev.meridian.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a training run leaves behind, with the files a training JVM writes as it exits. */
class StartupCacheTest {

    @TempDir
    Path target;

    @Test
    void aTrainingRunWhoseServiceBecameReadyKeepsItsCache() throws Exception {
        StartupCache cache = StartupCache.of(jar(), "user-service");
        wroteTraining(cache);

        cache.trainingReady();
        cache.keepTraining();

        assertThat(cache.trained()).isTrue();
        assertThat(cache.jvmOptions(true)).singleElement().asString().startsWith("-XX:AOTCache=");
    }

    @Test
    void aTrainingRunWhoseServiceNeverBecameReadyLeavesNoCacheSoTheNextRunTrainsAgain() throws Exception {
        StartupCache cache = StartupCache.of(jar(), "user-service");
        Path training = wroteTraining(cache);

        cache.keepTraining();

        assertThat(cache.trained()).isFalse();
        assertThat(training).doesNotExist();
        assertThat(cache.jvmOptions(true)).singleElement().asString().startsWith("-XX:AOTCacheOutput=");
    }

    @Test
    void aTrainingJvmKilledWhileWritingLeavesNoCache() throws Exception {
        StartupCache cache = StartupCache.of(jar(), "user-service");
        Path training = wroteTraining(cache);
        Path config = training.resolveSibling(training.getFileName() + ".config");
        Files.writeString(config, "half-written");

        cache.trainingReady();
        cache.keepTraining();

        assertThat(cache.trained()).isFalse();
        assertThat(training).doesNotExist();
        assertThat(config).doesNotExist();
    }

    /** What {@code -XX:AOTCacheOutput} leaves once the JVM exited: the cache file at the path the options named. */
    private static Path wroteTraining(StartupCache cache) throws IOException {
        List<String> options = cache.jvmOptions(true);
        assertThat(options).singleElement().asString().startsWith("-XX:AOTCacheOutput=");
        Path training = Path.of(options.getFirst().substring("-XX:AOTCacheOutput=".length()));
        Files.writeString(training, "cache");
        return training;
    }

    /** A service jar already extracted for this JDK, as a previous run leaves it (so no extraction runs here). */
    private Path jar() throws IOException {
        Path jar = target.resolve("user-service.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (var out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        Path folder = target.resolve("devstack-aot");
        Files.createDirectories(folder.resolve("app"));
        Files.copy(jar, folder.resolve("app").resolve(jar.getFileName()));
        Files.writeString(folder.resolve(StartupCache.STAMP), StartupCache.stamp(jar));
        return jar;
    }
}
