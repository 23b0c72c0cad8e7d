package dev.meridian.testkit;

import java.util.Optional;

/**
 * The {@code MERIDIAN_*} endpoint settings. A system property of the same name wins over the environment
 * variable, so one test JVM can point a single server elsewhere without touching the environment.
 */
final class Settings {

    private Settings() {}

    static Optional<String> get(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            value = System.getenv(name);
        }
        return Optional.ofNullable(value).map(String::strip).filter(v -> !v.isEmpty());
    }

    static String getOrDefault(String name, String fallback) {
        return get(name).orElse(fallback);
    }
}
