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
 * for health on its own port (with curl, no CMD-SHELL: the image's /bin/sh is dash), and given the
 * environment its configuration reads — nothing it would ignore, nothing it needs missing. Then the deployment's
 * security defaults: every secret required ({@code ${VAR:?}}, listed in .env.example), no port but the gateway's
 * published beyond 127.0.0.1, each service its own database role, signing keys from auth-service's pinned address.
 * Also `docker-compose config -q`, Compose's own validation, where the tool is installed (.ci/run installs it).
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of(System.getProperty("meridian.root", ".."));
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
    /**
     * A compose interpolation: the variable, and what follows its name ({@code :?message}, {@code :-default}, none).
     * {@code $${VAR}} is an escaped dollar, left to the container's shell.
     */
    private static final Pattern INTERPOLATION = Pattern.compile("(?<!\\$)\\$\\{([A-Z][A-Z0-9_]*)([^}]*)}");

    private static final String PINNED_JWKS = "http://auth-service:8082/oauth2/jwks";
    /** Not secrets: may have defaults. */
    private static final Set<String> SETTINGS = Set.of(
            "MERIDIAN_ISSUER",
            "GATEWAY_PORT",
            "DISCOVERY_PORT",
            "MAILPIT_PORT",
            "JAEGER_PORT",
            "PROMETHEUS_PORT",
            "GRAFANA_PORT");
    /** Spring Boot settings the services read without naming them in their application.yml. */
    private static final Set<String> STANDARD = Set.of(
            "SPRING_DATASOURCE_USERNAME",
            "SPRING_DATASOURCE_PASSWORD",
            "MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT",
            "JAVA_TOOL_OPTIONS",
            "JDK_JAVA_OPTIONS");

    private static final List<String> JVM_SERVICES = List.of(
            "discovery-service",
            "gateway-service",
            "user-service",
            "auth-service",
            "audit-service",
            "notification-service");
    /**
     * What a Spring Cloud service's JVM needs beside its heap: metaspace (~100 MiB), code cache, thread stacks, GC
     * structures and Netty's direct buffers (docs/deployment.md, "Memory").
     */
    private static final long NON_HEAP_MIB = 200;

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
        List<?> healthcheck = (List<?>) ((Map<?, ?>) service.get("healthcheck")).get("test");
        assertThat(healthcheck.stream().map(String::valueOf).toList())
                .as("readiness on the service's own port, with the curl the Dockerfile installs; CMD-SHELL would run"
                        + " dash")
                .containsExactly("CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:" + port + "/readyz");
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
            String passwordVariable = database.toUpperCase(Locale.ROOT) + "_DB_PASSWORD";
            assertThat(environment.get("SPRING_DATASOURCE_USERNAME"))
                    .as("its own role, not the superuser")
                    .isEqualTo(database)
                    .isNotEqualTo(postgresSuperuser());
            assertThat(environment.get("SPRING_DATASOURCE_PASSWORD")).startsWith("${" + passwordVariable + ":?");
            assertThat(Files.readString(ROOT.resolve("deploy/compose/postgres-init.sh")))
                    .as("the role and its database are created by the init script, with the password compose has")
                    .contains("database " + database + " " + database + " \"${" + passwordVariable + ":-}\"");
            assertThat(environment(composeService("postgres"))).containsKey(passwordVariable);
        }
        if (Set.of("user-service", "audit-service", "notification-service").contains(module)) {
            assertThat(environment.get("MERIDIAN_JWK_SET_URI"))
                    .as("pinned JWKS")
                    .isEqualTo(PINNED_JWKS);
        }
        if (module.equals("gateway-service")) {
            assertThat(environment.get("MERIDIAN_GATEWAY_JWT_JWK_SET_URI"))
                    .as("pinned JWKS")
                    .isEqualTo(PINNED_JWKS);
        }
        if (!module.equals("discovery-service")) {
            assertThat(environment.get("EUREKA_URL"))
                    .as("the registry's credentials in the URL")
                    .startsWith("http://${EUREKA_USERNAME:?")
                    .contains(":${EUREKA_PASSWORD:?")
                    .endsWith("@discovery-service:8761/eureka/");
        }
        Map<String, String> clients = new LinkedHashMap<>();
        environment.forEach((variable, value) -> {
            if (variable.startsWith("MERIDIAN_AUTH_CLIENTS_")) {
                clients.put(variable, value);
            }
        });
        if (module.equals("auth-service")) {
            assertThat(clients)
                    .as("two registered clients: notification-service's client credentials for its mail links, and"
                            + " meridian-cli, the public client people sign in with at a terminal (PKCE, loopback)")
                    .containsOnly(
                            Map.entry("MERIDIAN_AUTH_CLIENTS_0_CLIENT_ID", "notification-service"),
                            Map.entry(
                                    "MERIDIAN_AUTH_CLIENTS_0_SECRET",
                                    "${NOTIFICATION_SERVICE_CLIENT_SECRET:?set NOTIFICATION_SERVICE_CLIENT_SECRET in"
                                            + " .env (openssl rand -hex 32)}"),
                            Map.entry("MERIDIAN_AUTH_CLIENTS_0_GRANT_TYPES", "client_credentials"),
                            Map.entry("MERIDIAN_AUTH_CLIENTS_0_SCOPES", "users.mail-links"),
                            Map.entry("MERIDIAN_AUTH_CLIENTS_0_AUDIENCES", "user-service"),
                            Map.entry("MERIDIAN_AUTH_CLIENTS_1_CLIENT_ID", "meridian-cli"),
                            Map.entry("MERIDIAN_AUTH_CLIENTS_1_GRANT_TYPES", "authorization_code,refresh_token"),
                            Map.entry("MERIDIAN_AUTH_CLIENTS_1_SCOPES", "openid,profile"),
                            Map.entry(
                                    "MERIDIAN_AUTH_CLIENTS_1_AUDIENCES",
                                    "user-service,audit-service,notification-service"),
                            Map.entry("MERIDIAN_AUTH_CLIENTS_1_REDIRECT_URIS", "http://127.0.0.1:8400/callback"));
        } else {
            assertThat(clients)
                    .as("auth-service clients are registered at auth-service only")
                    .isEmpty();
        }
        if (module.equals("user-service")) {
            assertThat(environment)
                    .as("the first administrator, from secrets")
                    .hasEntrySatisfying(
                            "MERIDIAN_USERS_FIRST_ADMIN_EMAIL",
                            value -> assertThat(value).startsWith("${FIRST_ADMIN_EMAIL:?"))
                    .hasEntrySatisfying(
                            "MERIDIAN_USERS_FIRST_ADMIN_PASSWORD",
                            value -> assertThat(value).startsWith("${FIRST_ADMIN_PASSWORD:?"));
        }
        if (module.equals("notification-service")) {
            assertThat(environment)
                    .containsEntry("MERIDIAN_TOKEN_URI", "http://auth-service:8082/oauth2/token")
                    .containsEntry(
                            "NOTIFICATION_SERVICE_CLIENT_SECRET",
                            environment(composeService("auth-service")).get("MERIDIAN_AUTH_CLIENTS_0_SECRET"));
        }
    }

    @Test
    void everySecretIsRequiredAndListedInTheEnvExampleWithHowToMakeIt() throws IOException {
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        String example = Files.readString(ROOT.resolve(".env.example"));
        Map<String, String> interpolations = new LinkedHashMap<>();
        INTERPOLATION
                .matcher(compose.replaceAll("(?m)^\\s*#.*$", ""))
                .results()
                .forEach(match -> interpolations.put(match.group(1), match.group(2)));

        assertThat(interpolations.keySet())
                .contains(
                        "EUREKA_USERNAME",
                        "EUREKA_PASSWORD",
                        "MERIDIAN_AUTH_KEYS_ENCRYPTION_KEY",
                        "POSTGRES_PASSWORD",
                        "GRAFANA_ADMIN_PASSWORD");
        interpolations.forEach((variable, rest) -> {
            if (!SETTINGS.contains(variable)) {
                assertThat(rest)
                        .as("%s has no default: compose refuses to start without it", variable)
                        .startsWith(":?");
                assertThat(example).as(".env.example lists " + variable).containsPattern("(?m)^" + variable + "=");
            }
        });
        assertThat(example).contains("openssl rand -base64 32", "openssl rand -hex 32");
        assertThat(compose.replaceAll("(?m)^\\s*#.*$", ""))
                .as("no development secret left (outside comments)")
                .doesNotContain("dev-password", "compose-dev-", "dev-only");
    }

    /**
     * Every server that checks access tokens reads auth-service's revocation list from Redis; without it they start
     * but refuse every token (fail closed), so each is given compose's Redis and starts only once it answers.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gateway-service", "user-service", "audit-service", "notification-service"})
    void everyServerThatChecksTokensIsGivenRedisAndWaitsForIt(String module) throws IOException {
        Map<String, Object> service = composeService(module);
        assertThat(environment(service).get("SPRING_DATA_REDIS_URL"))
                .as("the revocation list's Redis")
                .isEqualTo("redis://redis:6379");
        assertThat(String.valueOf(((Map<?, ?>) service.get("depends_on")).get("redis")))
                .as("started once Redis answers its healthcheck")
                .isEqualTo("{condition=service_healthy}");
        assertThat(composeService("redis")).containsKey("healthcheck");
    }

    @Test
    void noPortButTheGatewaysIsPublishedBeyondThisMachine() throws IOException {
        Map<String, Object> services = services();
        List<String> published = new java.util.ArrayList<>();
        services.forEach((name, service) -> {
            Object ports = ((Map<?, ?>) service).get("ports");
            if (ports instanceof List<?> list) {
                list.forEach(port -> published.add(name + " " + port));
            }
        });

        assertThat(published)
                .contains(
                        "gateway-service ${GATEWAY_PORT:-8080}:8080",
                        "discovery-service 127.0.0.1:${DISCOVERY_PORT:-8761}:8761")
                .allSatisfy(port -> assertThat(port.startsWith("gateway-service ${GATEWAY_PORT:-8080}:")
                                || port.contains(" 127.0.0.1:"))
                        .as(port)
                        .isTrue());
    }

    @Test
    void eachServiceLogsInToPostgresAsItsOwnRole() throws IOException {
        Set<String> roles = new java.util.HashSet<>();
        for (String module : List.of("user-service", "auth-service", "audit-service", "notification-service")) {
            assertThat(roles.add(environment(composeService(module)).get("SPRING_DATASOURCE_USERNAME")))
                    .as(module)
                    .isTrue();
        }
        assertThat(roles).doesNotContain(postgresSuperuser(), "postgres");
    }

    /** Prometheus loads the rules promtool tests: their folder is mounted where prometheus.yml's rule_files point. */
    @Test
    @SuppressWarnings("unchecked")
    void prometheusLoadsTheAlertRulesPromtoolTests() throws IOException {
        assertThat((List<String>) composeService("prometheus").get("volumes"))
                .contains("./deploy/prometheus/rules:/etc/prometheus/rules:ro");
        Map<String, Object> prometheus =
                new Yaml().load(Files.readString(ROOT.resolve("deploy/compose/prometheus.yml")));
        assertThat((List<String>) prometheus.get("rule_files")).containsExactly("/etc/prometheus/rules/*.yml");
        try (var rules = Files.list(ROOT.resolve("deploy/prometheus/rules"))) {
            assertThat(rules.map(rule -> rule.getFileName().toString())).contains("meridian-alerts.yml");
        }
    }

    /** One runaway container cannot take the host, and each comes back after a crash or a reboot of the engine. */
    @Test
    void everyContainerHasAMemoryLimitARestartPolicyAndAHealthcheck() throws IOException {
        services().forEach((name, value) -> {
            Map<?, ?> service = (Map<?, ?>) value;
            assertThat(service.get("mem_limit")).as("%s memory limit", name).isNotNull();
            assertThat(mebibytes(String.valueOf(service.get("mem_limit"))))
                    .as(name)
                    .isPositive();
            assertThat(service.get("restart")).as("%s restart policy", name).isIn("unless-stopped", "always");
            assertThat(service.get("healthcheck")).as("%s healthcheck", name).isNotNull();
            List<?> test = (List<?>) ((Map<?, ?>) service.get("healthcheck")).get("test");
            assertThat(String.valueOf(test.getFirst())).as(name).isIn("CMD", "CMD-SHELL");
            if (test.getFirst().equals("CMD")) {
                assertThat(test.stream().map(String::valueOf))
                        .as("%s: podman's Docker-compatible API splits a CMD argument at its spaces", name)
                        .noneMatch(argument -> argument.contains(" "));
            }
            if (test.getFirst().equals("CMD-SHELL")) {
                assertThat(String.valueOf(test))
                        .as("%s: dash has no /dev/tcp", name)
                        .doesNotContain("/dev/tcp");
            }
        });
    }

    /**
     * Each JVM's heap (the percentage of its limit the options give it; the option read last wins) leaves room for
     * what is not heap; Kafka's fixed heap fits its limit with the same room.
     */
    @Test
    void everyJvmsHeapLeavesItsLimitRoomForWhatIsNotHeap() throws IOException {
        for (String module : JVM_SERVICES) {
            Map<String, Object> service = composeService(module);
            long limit = mebibytes(String.valueOf(service.get("mem_limit")));
            String options = environment(service).getOrDefault("JDK_JAVA_OPTIONS", "");
            Matcher percentage = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(options);
            assertThat(percentage.find())
                    .as("%s sets its heap share: %s", module, options)
                    .isTrue();
            assertThat(options).as(module).contains("-XX:ActiveProcessorCount=");
            long heap = limit * Integer.parseInt(percentage.group(1)) / 100;
            assertThat(limit - heap)
                    .as("%s: %d MiB limit, %d MiB heap", module, limit, heap)
                    .isGreaterThanOrEqualTo(NON_HEAP_MIB);
            assertThat(heap).as("%s heap", module).isGreaterThanOrEqualTo(256);
        }
        Map<String, Object> kafka = composeService("kafka");
        Matcher heap =
                Pattern.compile("-Xmx(\\d+)([mg])").matcher(environment(kafka).getOrDefault("KAFKA_HEAP_OPTS", ""));
        assertThat(heap.find())
                .as("Kafka's heap is set (the image's default is 1 GiB)")
                .isTrue();
        assertThat(mebibytes(String.valueOf(kafka.get("mem_limit"))) - mebibytes(heap.group(1) + heap.group(2)))
                .isGreaterThanOrEqualTo(NON_HEAP_MIB);
    }

    /**
     * What must survive a restart is on a named volume: PostgreSQL's data, Kafka's log (where the broker writes it),
     * and Redis's append-only file (the revocation list: without it every revoked token is valid again).
     */
    @Test
    @SuppressWarnings("unchecked")
    void theDatabasesTheBrokerAndTheRevocationListSurviveARestart() throws IOException {
        Map<String, Object> compose;
        try (InputStream in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(in);
        }
        Set<String> declared = ((Map<String, Object>) compose.get("volumes")).keySet();
        Map<String, String> mounts = Map.of(
                "postgres", "/var/lib/postgresql/data",
                "kafka", environment(composeService("kafka")).get("KAFKA_LOG_DIRS"),
                "redis", "/data");
        for (var mount : mounts.entrySet()) {
            assertThat((List<String>) composeService(mount.getKey()).get("volumes"))
                    .as("%s keeps %s on a named volume", mount.getKey(), mount.getValue())
                    .anySatisfy(volume -> {
                        String[] parts = volume.split(":");
                        assertThat(declared).contains(parts[0]);
                        assertThat(parts[1]).isEqualTo(mount.getValue());
                    });
        }
        assertThat(String.join(" ", (List<String>) composeService("redis").get("command")))
                .as("Redis persists (AOF)")
                .contains("--appendonly yes");
        assertThat(environment(composeService("kafka"))).containsKey("CLUSTER_ID");
    }

    /** A step that fails fails the image build; nothing is swallowed with {@code || true}. */
    @Test
    void theDockerfileHidesNoFailedStep() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("deploy/Dockerfile"))
                .replaceAll("(?m)^\\s*#.*$", "")
                .replaceAll("\\\\\\n", " ");
        assertThat(dockerfile).doesNotContainPattern("(?m)\\|\\|\\s*(true|:)(\\s|$)");
        assertThat(dockerfile).contains("go-offline");
        assertThat(dockerfile)
                .as("curl for compose's healthchecks, which eclipse-temurin's JRE images lack")
                .contains("apt-get install -y --no-install-recommends curl");
    }

    private static long mebibytes(String size) {
        Matcher matcher = Pattern.compile("(\\d+)([mMgG])").matcher(size);
        assertThat(matcher.matches()).as("a size in m or g: " + size).isTrue();
        long amount = Long.parseLong(matcher.group(1));
        return matcher.group(2).equalsIgnoreCase("g") ? amount * 1024 : amount;
    }

    @Test
    void composeItselfAcceptsTheFile() throws Exception {
        Path tool = Path.of("/usr/bin/docker-compose");
        assumeTrue(Files.isExecutable(tool), "docker-compose not installed (.ci/run installs it)");
        Map<String, String> secrets = new LinkedHashMap<>();
        Pattern.compile("(?m)^([A-Z][A-Z0-9_]*)=")
                .matcher(Files.readString(ROOT.resolve(".env.example")))
                .results()
                .forEach(match -> secrets.put(
                        match.group(1), "compose-test-" + match.group(1).toLowerCase(Locale.ROOT)));

        var withSecrets = composeConfig(tool, secrets);
        var without = composeConfig(tool, Map.of());

        assertThat(withSecrets.exitCode())
                .as("with every variable .env.example lists: " + withSecrets.output())
                .isZero();
        assertThat(without.exitCode())
                .as("without the secrets, compose refuses")
                .isNotZero();
        assertThat(without.output()).contains("in .env");
    }

    record Outcome(int exitCode, String output) {}

    private static Outcome composeConfig(Path tool, Map<String, String> variables) throws Exception {
        var builder = new ProcessBuilder(tool.toString(), "-f", "docker-compose.yml", "config", "-q")
                .directory(ROOT.toFile())
                .redirectErrorStream(true);
        // Only the variables given: none from the caller's shell, and no .env file (--env-file of an empty one).
        builder.environment().keySet().removeIf(name -> name.matches("[A-Z][A-Z0-9_]*_(PASSWORD|KEY|USERNAME)"));
        builder.environment().putAll(variables);
        Path empty = Files.createTempFile("compose-test", ".env");
        builder.command().addAll(1, List.of("--env-file", empty.toString()));
        Process check = builder.start();
        String output = new String(check.getInputStream().readAllBytes());
        int exit = check.waitFor();
        Files.delete(empty);
        return new Outcome(exit, output);
    }

    @SuppressWarnings("unchecked")
    private static String postgresSuperuser() throws IOException {
        return String.valueOf(
                ((Map<String, Object>) composeService("postgres").get("environment")).get("POSTGRES_USER"));
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
        Map<String, Object> services = services();
        assertThat(services).as("docker-compose.yml services").containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services() throws IOException {
        try (InputStream in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            return (Map<String, Object>) compose.get("services");
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
