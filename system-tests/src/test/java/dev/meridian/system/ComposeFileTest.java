package dev.meridian.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml against the services it runs: each service module has a compose service built from it, checked
 * for health on its own port, and given the environment its configuration reads — nothing it would ignore, nothing
 * it needs missing. Also `docker-compose config -q`, Compose's own validation, where the tool is installed (.ci/run
 * installs it).
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of(System.getProperty("meridian.root", ".."));
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
    /** Spring Boot settings the services read without naming them in their application.yml. */
    private static final Set<String> STANDARD = Set.of(
            "SPRING_DATASOURCE_USERNAME",
            "SPRING_DATASOURCE_PASSWORD",
            "MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT",
            "JAVA_TOOL_OPTIONS");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "discovery-service",
                "gateway-service",
                "user-service",
                "auth-service",
                "audit-service",
                "notification-service"
            })
    void eachServiceIsBuiltFromItsModuleCheckedOnItsPortAndGivenWhatItsConfigurationReads(String module)
            throws IOException {
        Map<String, Object> service = composeService(module);
        String configuration = Files.readString(ROOT.resolve(module + "/src/main/resources/application.yml"));
        Set<String> keys = flatKeys(configuration);
        Set<String> placeholders = placeholders(configuration);
        Map<String, String> environment = environment(service);

        assertThat(((Map<?, ?>) ((Map<?, ?>) service.get("build")).get("args")).get("SERVICE"))
                .isEqualTo(module);
        String port = module.equals("gateway-service") ? "8080" : serverPort(configuration);
        assertThat(String.valueOf(((Map<?, ?>) service.get("healthcheck")).get("test")))
                .as("health checked on the service's own port")
                .contains("/" + port + " ")
                .contains("/readyz");
        assertThat(environment.keySet())
                .as("every variable is one the service reads")
                .allSatisfy(variable -> assertThat(STANDARD.contains(variable)
                                || placeholders.contains(variable)
                                || boundByRelaxedBinding(variable, keys))
                        .as(variable)
                        .isTrue());
        requireWhenConfigured(keys, "spring.datasource.url", environment, "SPRING_DATASOURCE_URL");
        requireWhenConfigured(keys, "spring.kafka.bootstrap-servers", environment, "SPRING_KAFKA_BOOTSTRAP_SERVERS");
        requireWhenConfigured(keys, "spring.data.redis.url", environment, "SPRING_DATA_REDIS_URL");
        if (placeholders.contains("MERIDIAN_ISSUER")) {
            assertThat(environment).containsKey("MERIDIAN_ISSUER");
        }
        if (environment.containsKey("SPRING_DATASOURCE_URL")) {
            String database = environment.get("SPRING_DATASOURCE_URL").replaceAll(".*/", "");
            assertThat(Files.readString(ROOT.resolve("deploy/compose/postgres-init.sql")))
                    .as("the database is created by the init script")
                    .contains("CREATE DATABASE " + database + ";");
        }
    }

    @Test
    void composeItselfAcceptsTheFile() throws Exception {
        Path tool = Path.of("/usr/bin/docker-compose");
        assumeTrue(Files.isExecutable(tool), "docker-compose not installed (.ci/run installs it)");
        Process check = new ProcessBuilder(tool.toString(), "-f", "docker-compose.yml", "config", "-q")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes());

        assertThat(check.waitFor()).as(output).isZero();
    }

    private static void requireWhenConfigured(
            Set<String> keys, String property, Map<String, String> environment, String variable) {
        if (keys.contains(property)) {
            assertThat(environment).as("the service reads " + property).containsKey(variable);
        }
    }

    /**
     * Relaxed binding: SPRING_DATA_REDIS_URL sets spring.data.redis.url, MERIDIAN_AUTH_CLIENTS_0_CLIENT_ID sets
     * meridian.auth.clients[0].client-id. Compared with separators and list indexes left out.
     */
    private static boolean boundByRelaxedBinding(String variable, Set<String> keys) {
        String bare =
                variable.toLowerCase(Locale.ROOT).replaceAll("_\\d+_", "_").replace("_", "");
        return keys.stream().anyMatch(key -> key.replaceAll("[-.]", "").equals(bare));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> composeService(String name) throws IOException {
        try (InputStream in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            Map<String, Object> services = (Map<String, Object>) compose.get("services");
            assertThat(services).as("docker-compose.yml services").containsKey(name);
            return (Map<String, Object>) services.get(name);
        }
    }

    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        ((Map<?, ?>) service.getOrDefault("environment", Map.of()))
                .forEach((name, value) -> environment.put(String.valueOf(name), String.valueOf(value)));
        return environment;
    }

    /** Every property key the file sets, in dotted form (all documents, profiles included). */
    @SuppressWarnings("unchecked")
    private static Set<String> flatKeys(String yaml) {
        Set<String> keys = new java.util.TreeSet<>();
        for (Object document : new Yaml().loadAll(yaml)) {
            if (document instanceof Map<?, ?> map) {
                flatten("", (Map<String, Object>) map, keys);
            }
        }
        return keys;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> map, Set<String> keys) {
        map.forEach((key, value) -> {
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            keys.add(path);
            if (value instanceof Map<?, ?> nested) {
                flatten(path, (Map<String, Object>) nested, keys);
            } else if (value instanceof List<?> items) {
                items.stream()
                        .filter(Map.class::isInstance)
                        .forEach(item -> flatten(path, (Map<String, Object>) item, keys));
            }
        });
    }

    private static Set<String> placeholders(String yaml) {
        Matcher matcher = PLACEHOLDER.matcher(yaml);
        return matcher.results().map(match -> match.group(1)).collect(Collectors.toSet());
    }

    private static String serverPort(String yaml) {
        Matcher matcher =
                Pattern.compile("(?m)^server:\\s*\\n\\s+port:\\s*(\\d+)").matcher(yaml);
        assertThat(matcher.find()).as("server.port in application.yml").isTrue();
        return matcher.group(1);
    }
}
