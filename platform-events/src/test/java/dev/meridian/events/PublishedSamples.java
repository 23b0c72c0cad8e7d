package dev.meridian.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The JSON samples under {@code samples/} — what consumers have been promised — each with the record its file name
 * names ({@code user-created.v1.json}: type {@code created}, version 1). Read from this module's test resources, or
 * from its test-jar on a consumer's test classpath.
 */
public final class PublishedSamples {

    private PublishedSamples() {}

    /** A sample's file name and the record it is read as. */
    public record Sample(String name, Class<? extends UserEvent> type) {

        @Override
        public String toString() {
            return name;
        }
    }

    public static List<Sample> every() {
        URL folder = PublishedSamples.class.getResource("/samples");
        if (folder == null) {
            throw new IllegalStateException("samples/ is not on the test classpath (platform-events' test-jar)");
        }
        try {
            URI uri = folder.toURI();
            if (!"jar".equals(uri.getScheme())) {
                return list(Path.of(uri));
            }
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                return list(jar.provider().getPath(uri));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] read(String name) {
        try (InputStream in = PublishedSamples.class.getResourceAsStream("/samples/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no sample samples/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Sample> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString())
                    .sorted()
                    .map(name -> new Sample(name, typeNamedBy(name)))
                    .toList();
        }
    }

    private static Class<? extends UserEvent> typeNamedBy(String name) {
        String[] parts = name.split("\\.");
        String eventName = parts[0].startsWith("user-") ? parts[0].substring(5) : parts[0];
        int version = Integer.parseInt(parts[1].substring(1));
        return UserEvents.dataType(UserEvents.type(eventName, version))
                .orElseThrow(() -> new IllegalStateException(name + " names no published type"));
    }
}
