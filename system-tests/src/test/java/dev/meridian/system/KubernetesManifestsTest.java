package dev.meridian.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/k8s, validated offline: each overlay rendered by kustomize (kubectl's), every object read into fabric8's
 * typed model — a field the model does not know (a misspelling) lands in {@code additionalProperties} and fails the
 * test — then the platform's rules: probes, resources and a locked-down security context on every workload, Eureka
 * as two peer-aware replicas, only the gateway exposed, autoscaling for the gateway and user-service, a disruption
 * budget for every workload, ingress denied by default, and no secret values in production. And the identity
 * rules: only the platform's pods reach the registry, everybody authenticates to it from the meridian-eureka Secret,
 * signing keys come from auth-service's pinned Service address, each service has its own database role.
 */
class KubernetesManifestsTest {

    private static final Path K8S =
            Path.of(System.getProperty("meridian.root", "..")).resolve("deploy/k8s");
    private static final Set<String> SERVICES = Set.of(
            "discovery-service",
            "gateway-service",
            "user-service",
            "auth-service",
            "audit-service",
            "notification-service");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectIsValidAndEveryWorkloadIsProbedLimitedAndLockedDown(String overlay) throws Exception {
        List<HasMetadata> objects = render("overlays/" + overlay);

        assertThat(objects)
                .allSatisfy(object -> assertThat(unknownFields(object))
                        .as("%s %s", object.getKind(), object.getMetadata().getName())
                        .isEmpty());
        for (HasMetadata object : objects) {
            PodSpec pod = podSpec(object);
            if (pod == null || !SERVICES.contains(object.getMetadata().getName())) {
                continue;
            }
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            for (Container container : pod.getContainers()) {
                String name = object.getMetadata().getName();
                assertThat(container.getReadinessProbe()).as(name).isNotNull();
                assertThat(container.getLivenessProbe()).as(name).isNotNull();
                assertThat(container.getStartupProbe()).as(name).isNotNull();
                assertThat(container.getResources().getRequests()).as(name).containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits()).as(name).containsKey("memory");
                assertThat(container.getSecurityContext().getReadOnlyRootFilesystem())
                        .as(name)
                        .isTrue();
                assertThat(container.getSecurityContext().getAllowPrivilegeEscalation())
                        .as(name)
                        .isFalse();
            }
        }
    }

    @Test
    void theShapeOfTheDeploymentIsTheDesignedOne() throws Exception {
        List<HasMetadata> objects = render("overlays/prod");

        StatefulSet eureka = only(objects, StatefulSet.class, "discovery-service");
        assertThat(eureka.getSpec().getReplicas()).isEqualTo(2);
        assertThat(names(objects, Deployment.class))
                .containsExactlyInAnyOrderElementsOf(SERVICES.stream()
                        .filter(name -> !name.equals("discovery-service"))
                        .toList());
        assertThat(names(objects, PodDisruptionBudget.class)).containsExactlyInAnyOrderElementsOf(SERVICES);
        assertThat(names(objects, HorizontalPodAutoscaler.class))
                .containsExactlyInAnyOrder("gateway-service", "user-service");
        assertThat(all(objects, Ingress.class)
                        .flatMap(ingress -> ingress.getSpec().getRules().stream())
                        .flatMap(rule -> rule.getHttp().getPaths().stream())
                        .map(path -> path.getBackend().getService().getName()))
                .as("only the gateway is exposed")
                .containsOnly("gateway-service");
        assertThat(all(objects, NetworkPolicy.class)
                        .anyMatch(policy -> isEmpty(
                                        policy.getSpec().getPodSelector().getMatchLabels())
                                && isEmpty(policy.getSpec().getPodSelector().getMatchExpressions())
                                && isEmpty(policy.getSpec().getIngress())
                                && policy.getSpec().getPolicyTypes().contains("Ingress")))
                .as("ingress denied by default")
                .isTrue();
        assertThat(objects).as("no secret values committed for production").noneMatch(Secret.class::isInstance);
        assertThat(objects)
                .filteredOn(object -> !(object instanceof Namespace))
                .allSatisfy(object ->
                        assertThat(object.getMetadata().getNamespace()).isEqualTo("meridian"));
        assertThat(only(objects, Namespace.class, "meridian").getMetadata().getLabels())
                .as("Pod Security Standard restricted, enforced")
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    }

    /**
     * What an autoscaled, multi-node production deployment needs of each workload: the autoscaler alone sets the
     * count, replicas are spread over nodes (required) and zones (preferred), one pod at a time may be disrupted,
     * probes allow a busy JVM 3 s, each pod has its own service account without a token, and /tmp is bounded.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyWorkloadIsSpreadScaledByItsAutoscalerAndBounded(String overlay) throws Exception {
        List<HasMetadata> objects = render("overlays/" + overlay);
        Set<String> autoscaled = autoscalerMinimum(objects).keySet();
        assertThat(autoscaled).isNotEmpty();
        for (String name : autoscaled) {
            assertThat(only(objects, Deployment.class, name).getSpec().getReplicas())
                    .as("%s: no replicas under an autoscaler (an apply would reset its count)", name)
                    .isNull();
        }
        for (HasMetadata object : objects) {
            PodSpec pod = podSpec(object);
            String name = object.getMetadata().getName();
            if (pod == null || !SERVICES.contains(name)) {
                continue;
            }
            assertThat(pod.getTopologySpreadConstraints())
                    .as("%s spread", name)
                    .anySatisfy(spread -> {
                        assertThat(spread.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                        assertThat(spread.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
                        assertThat(spread.getLabelSelector().getMatchLabels())
                                .containsEntry("app.kubernetes.io/name", name);
                    })
                    .anySatisfy(spread -> assertThat(spread.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone"));
            for (Container container : pod.getContainers()) {
                assertThat(Stream.of(
                                container.getStartupProbe(),
                                container.getLivenessProbe(),
                                container.getReadinessProbe()))
                        .as("%s probes", name)
                        .allSatisfy(
                                probe -> assertThat(probe.getTimeoutSeconds()).isGreaterThanOrEqualTo(3));
            }
            assertThat(pod.getServiceAccountName()).as(name).isEqualTo(name);
            assertThat(only(objects, ServiceAccount.class, name).getAutomountServiceAccountToken())
                    .as("%s: no API token", name)
                    .isFalse();
            assertThat(pod.getVolumes())
                    .as("%s scratch space", name)
                    .filteredOn(volume -> volume.getEmptyDir() != null)
                    .isNotEmpty()
                    .allSatisfy(volume ->
                            assertThat(volume.getEmptyDir().getSizeLimit()).isNotNull());
            PodDisruptionBudget budget = only(objects, PodDisruptionBudget.class, name);
            assertThat(budget.getSpec().getMinAvailable()).as("%s budget", name).isNull();
            assertThat(budget.getSpec().getMaxUnavailable().getIntVal())
                    .as("%s budget", name)
                    .isEqualTo(1);
        }
        ConfigMap config = sharedConfig(objects);
        assertThat(config.getData().get("JDK_JAVA_OPTIONS"))
                .as("heap below the image's 75 %, processors fixed")
                .contains("-XX:MaxRAMPercentage=60", "-XX:ActiveProcessorCount=2");
    }

    /**
     * Egress denied by default: beyond DNS (port 53) and the namespace's own pods, only the backing services' ports,
     * at no link-local address (cloud metadata), and never the web's 80/443.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void podsReachOnlyDnsTheirNamespaceAndTheBackingServicesPorts(String overlay) throws Exception {
        List<NetworkPolicy> policies = all(render("overlays/" + overlay), NetworkPolicy.class)
                .filter(policy -> policy.getSpec().getPolicyTypes().contains("Egress"))
                .toList();
        assertThat(policies)
                .as("egress denied by default")
                .anyMatch(policy -> isEmpty(policy.getSpec().getPodSelector().getMatchLabels())
                        && isEmpty(policy.getSpec().getEgress()));
        List<NetworkPolicyEgressRule> rules = policies.stream()
                .filter(policy -> policy.getSpec().getEgress() != null)
                .flatMap(policy -> policy.getSpec().getEgress().stream())
                .toList();
        assertThat(rules).as("some egress allowed (DNS at least)").isNotEmpty();
        for (NetworkPolicyEgressRule rule : rules) {
            List<Integer> ports = isEmpty(rule.getPorts())
                    ? List.of()
                    : rule.getPorts().stream()
                            .map(port -> port.getPort().getIntVal())
                            .toList();
            if (isEmpty(rule.getTo())) {
                assertThat(ports).as("to any address: DNS only").isNotEmpty().containsOnly(53);
                continue;
            }
            boolean withinTheNamespace = rule.getTo().stream()
                    .allMatch(peer -> peer.getIpBlock() == null && peer.getNamespaceSelector() == null);
            if (withinTheNamespace) {
                continue;
            }
            assertThat(ports)
                    .as("beyond the namespace, named ports only")
                    .isNotEmpty()
                    .doesNotContain(80, 443);
            for (NetworkPolicyPeer peer : rule.getTo()) {
                if (peer.getIpBlock() != null) {
                    assertThat(peer.getIpBlock().getExcept())
                            .as("cloud metadata, from %s", peer.getIpBlock().getCidr())
                            .contains(peer.getIpBlock().getCidr().contains(".") ? "169.254.0.0/16" : "fe80::/10");
                }
            }
        }
    }

    /**
     * Past default-deny-ingress, who may open a connection to each API server's port: the workloads of the namespace
     * (by their pods' labels, every overlay's workloads, the dev cluster's infrastructure included) and other
     * namespaces. user-service answers the gateway and the two services that call its /internal endpoints; the
     * consumers answer only the gateway; the monitoring namespace scrapes them all on the same port.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void eachApiServerAdmitsOnlyItsCallers(String overlay) throws Exception {
        List<HasMetadata> objects = render("overlays/" + overlay);
        List<NetworkPolicy> policies = all(objects, NetworkPolicy.class).toList();
        Map<String, Map<String, String>> pods = new java.util.TreeMap<>();
        for (HasMetadata object : objects) {
            if (object instanceof Deployment deployment) {
                pods.put(
                        object.getMetadata().getName(),
                        deployment.getSpec().getTemplate().getMetadata().getLabels());
            } else if (object instanceof StatefulSet statefulSet) {
                pods.put(
                        object.getMetadata().getName(),
                        statefulSet.getSpec().getTemplate().getMetadata().getLabels());
            }
        }
        record Server(String name, int port, Set<String> callers) {}
        for (Server server : List.of(
                new Server("user-service", 8081, Set.of("gateway-service", "auth-service", "notification-service")),
                // user-service: the personal data export reads the user's own audit stream and mails.
                new Server("audit-service", 8083, Set.of("gateway-service", "user-service")),
                new Server("notification-service", 8084, Set.of("gateway-service", "user-service")))) {
            Map<String, String> target = pods.get(server.name());
            List<NetworkPolicyIngressRule> rules = ingressRules(policies, target, server.port());
            assertThat(pods.entrySet().stream()
                            .filter(client -> rules.stream().anyMatch(rule -> admitsPod(rule, client.getValue())))
                            .map(Map.Entry::getKey))
                    .as("the workloads that reach %s:%d", server.name(), server.port())
                    .containsExactlyInAnyOrderElementsOf(server.callers());
            assertThat(rules.stream()
                            .flatMap(rule -> isEmpty(rule.getFrom())
                                    ? Stream.of((NetworkPolicyPeer) null)
                                    : rule.getFrom().stream())
                            .filter(peer ->
                                    peer == null || peer.getNamespaceSelector() != null || peer.getIpBlock() != null)
                            .map(peer -> peer == null || peer.getNamespaceSelector() == null
                                    ? "anyone"
                                    : String.valueOf(peer.getNamespaceSelector().getMatchLabels())))
                    .as("other namespaces that reach %s:%d", server.name(), server.port())
                    .containsExactly("{kubernetes.io/metadata.name=monitoring}");
        }
    }

    /** The ingress rules of the policies that select a pod labelled {@code target} and cover {@code port}. */
    private static List<NetworkPolicyIngressRule> ingressRules(
            List<NetworkPolicy> policies, Map<String, String> target, int port) {
        return policies.stream()
                .filter(policy -> policy.getSpec().getPolicyTypes().contains("Ingress"))
                .filter(policy -> selects(policy.getSpec().getPodSelector(), target))
                .filter(policy -> policy.getSpec().getIngress() != null)
                .flatMap(policy -> policy.getSpec().getIngress().stream())
                .filter(rule -> isEmpty(rule.getPorts())
                        || rule.getPorts().stream()
                                // A named port might be this one: counted as covering it, so nothing slips past.
                                .anyMatch(p -> p.getPort() == null
                                        || p.getPort().getIntVal() == null
                                        || p.getPort().getIntVal() == port))
                .toList();
    }

    /** Whether the rule admits a pod of this namespace labelled {@code client}. */
    private static boolean admitsPod(NetworkPolicyIngressRule rule, Map<String, String> client) {
        return rule.getFrom() == null
                || rule.getFrom().isEmpty()
                || rule.getFrom().stream()
                        .anyMatch(peer -> peer.getNamespaceSelector() == null
                                && peer.getIpBlock() == null
                                && selects(peer.getPodSelector(), client));
    }

    /** A label selector's verdict on a set of labels: matchLabels and the four operators of matchExpressions. */
    private static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getMatchLabels() != null
                && !labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
            return false;
        }
        if (selector.getMatchExpressions() == null) {
            return true;
        }
        return selector.getMatchExpressions().stream().allMatch(expression -> {
            String value = labels.get(expression.getKey());
            return switch (expression.getOperator()) {
                case "In" -> value != null && expression.getValues().contains(value);
                case "NotIn" -> value == null || !expression.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("unknown selector operator " + expression.getOperator());
            };
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void onlyThePlatformsPodsReachTheRegistryAndMonitoringOnlyItsMetricsPort(String overlay) throws Exception {
        List<NetworkPolicy> policies =
                all(render("overlays/" + overlay), NetworkPolicy.class).toList();
        Map<String, String> registryPod =
                Map.of("app.kubernetes.io/name", "discovery-service", "meridian.dev/tier", "discovery");
        List<NetworkPolicyIngressRule> toRegistryPort = new ArrayList<>();
        for (NetworkPolicy policy : policies) {
            Map<String, String> selector = policy.getSpec().getPodSelector().getMatchLabels();
            boolean selectsRegistry = isEmpty(policy.getSpec().getPodSelector().getMatchExpressions())
                    && (selector == null || registryPod.entrySet().containsAll(selector.entrySet()));
            if (!selectsRegistry || policy.getSpec().getIngress() == null) {
                continue;
            }
            policy.getSpec().getIngress().stream()
                    .filter(rule -> rule.getPorts() == null
                            || rule.getPorts().isEmpty()
                            || rule.getPorts().stream()
                                    .anyMatch(port -> port.getPort().getIntVal() != null
                                            && port.getPort().getIntVal() == 8761))
                    .forEach(toRegistryPort::add);
        }

        assertThat(toRegistryPort).as("some rule lets the platform register").isNotEmpty();
        assertThat(toRegistryPort)
                .flatExtracting(NetworkPolicyIngressRule::getFrom)
                .allSatisfy(peer -> {
                    assertThat(peer.getNamespaceSelector())
                            .as("no other namespace")
                            .isNull();
                    assertThat(peer.getIpBlock()).isNull();
                    assertThat(peer.getPodSelector().getMatchLabels())
                            .as("only the platform's pods (tier service: the gateway and services; tier discovery: "
                                    + "the other replica)")
                            .hasSize(1)
                            .containsAnyOf(
                                    Map.entry("meridian.dev/tier", "service"),
                                    Map.entry("meridian.dev/tier", "discovery"));
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyoneAuthenticatesToTheRegistryAndTakesSigningKeysFromAuthServicesOwnAddress(String overlay)
            throws Exception {
        List<HasMetadata> objects = render("overlays/" + overlay);
        ConfigMap config = sharedConfig(objects);
        assertThat(config.getData())
                .containsEntry("MERIDIAN_JWK_SET_URI", "http://auth-service:8082/oauth2/jwks")
                .doesNotContainKey("EUREKA_URL");

        for (HasMetadata object : objects) {
            PodSpec pod = podSpec(object);
            String name = object.getMetadata().getName();
            if (pod == null || !SERVICES.contains(name)) {
                continue;
            }
            Map<String, EnvVar> env = pod.getContainers().getFirst().getEnv().stream()
                    .collect(Collectors.toMap(EnvVar::getName, variable -> variable));
            for (String credential : List.of("EUREKA_USERNAME", "EUREKA_PASSWORD")) {
                assertThat(env.get(credential).getValueFrom().getSecretKeyRef().getName())
                        .as("%s %s", name, credential)
                        .isEqualTo("meridian-eureka");
            }
            String urls = env.get(name.equals("discovery-service") ? "EUREKA_PEER_URLS" : "EUREKA_URL")
                    .getValue();
            assertThat(urls.split(","))
                    .as(name)
                    .hasSize(2)
                    .allSatisfy(url -> assertThat(url).startsWith("http://$(EUREKA_USERNAME):$(EUREKA_PASSWORD)@"));
            Set<String> clients = env.keySet().stream()
                    .filter(variable -> variable.startsWith("MERIDIAN_AUTH_CLIENTS_"))
                    .collect(Collectors.toSet());
            if (name.equals("auth-service")) {
                assertThat(clients)
                        .as("two registered clients: notification-service's client credentials for its mail links,"
                                + " and the public client people sign in with")
                        .containsExactlyInAnyOrder(
                                "MERIDIAN_AUTH_CLIENTS_0_CLIENT_ID",
                                "MERIDIAN_AUTH_CLIENTS_0_SECRET",
                                "MERIDIAN_AUTH_CLIENTS_0_GRANT_TYPES",
                                "MERIDIAN_AUTH_CLIENTS_0_SCOPES",
                                "MERIDIAN_AUTH_CLIENTS_0_AUDIENCES",
                                "MERIDIAN_AUTH_CLIENTS_1_CLIENT_ID",
                                "MERIDIAN_AUTH_CLIENTS_1_GRANT_TYPES",
                                "MERIDIAN_AUTH_CLIENTS_1_SCOPES",
                                "MERIDIAN_AUTH_CLIENTS_1_AUDIENCES",
                                "MERIDIAN_AUTH_CLIENTS_1_REDIRECT_URIS");
                assertThat(env.get("MERIDIAN_AUTH_CLIENTS_1_GRANT_TYPES").getValue())
                        .as("public: no secret, no client credentials, only PKCE-bound codes and rotated refreshes")
                        .isEqualTo("authorization_code,refresh_token");
                assertThat(env.get("MERIDIAN_AUTH_CLIENTS_1_REDIRECT_URIS").getValue())
                        .as("a loopback redirect (RFC 8252), nothing a third party could receive the code at")
                        .startsWith("http://127.0.0.1:");
                assertThat(env.get("MERIDIAN_AUTH_CLIENTS_0_CLIENT_ID").getValue())
                        .isEqualTo("notification-service");
                assertThat(env.get("MERIDIAN_AUTH_CLIENTS_0_GRANT_TYPES").getValue())
                        .isEqualTo("client_credentials");
                assertThat(env.get("MERIDIAN_AUTH_CLIENTS_0_SCOPES").getValue()).isEqualTo("users.mail-links");
                assertThat(env.get("MERIDIAN_AUTH_CLIENTS_0_SECRET").getValue())
                        .as("from a Secret")
                        .isNull();
                assertThat(env.get("MERIDIAN_AUTH_CLIENTS_0_SECRET")
                                .getValueFrom()
                                .getSecretKeyRef()
                                .getName())
                        .isEqualTo("notification-service-client");
            } else {
                assertThat(clients)
                        .as("auth-service clients are registered at auth-service only")
                        .isEmpty();
            }
            if (name.equals("user-service")) {
                for (String firstAdmin :
                        List.of("MERIDIAN_USERS_FIRST_ADMIN_EMAIL", "MERIDIAN_USERS_FIRST_ADMIN_PASSWORD")) {
                    assertThat(env.get(firstAdmin).getValueFrom().getSecretKeyRef())
                            .as("%s from an optional Secret, deleted once she has signed in", firstAdmin)
                            .satisfies(secret -> assertThat(secret.getName()).isEqualTo("meridian-first-admin"))
                            .satisfies(
                                    secret -> assertThat(secret.getOptional()).isTrue());
                }
            }
            if (name.equals("notification-service")) {
                assertThat(env.get("NOTIFICATION_SERVICE_CLIENT_SECRET")
                                .getValueFrom()
                                .getSecretKeyRef()
                                .getName())
                        .as("the same Secret auth-service registers the client with")
                        .isEqualTo("notification-service-client");
                assertThat(env.get("MERIDIAN_TOKEN_URI").getValue()).isEqualTo("http://auth-service:8082/oauth2/token");
            }
            assertThat(env.values())
                    .extracting(EnvVar::getValue)
                    .as("nothing fetched through the registry")
                    .noneMatch(value -> value != null && value.startsWith("lb://"));
            if (name.equals("gateway-service")) {
                assertThat(env.get("MERIDIAN_GATEWAY_JWT_JWK_SET_URI")
                                .getValueFrom()
                                .getConfigMapKeyRef()
                                .getKey())
                        .isEqualTo("MERIDIAN_JWK_SET_URI");
            }
            if (env.containsKey("SPRING_DATASOURCE_USERNAME")) {
                assertThat(env.get("SPRING_DATASOURCE_USERNAME")
                                .getValueFrom()
                                .getSecretKeyRef()
                                .getName())
                        .as("%s: its own database Secret", name)
                        .isEqualTo(name + "-db");
            }
        }
    }

    /** Every server that checks access tokens reads auth-service's revocation list from Redis (fail closed without). */
    private static final Set<String> TOKEN_CHECKERS =
            Set.of("gateway-service", "user-service", "audit-service", "notification-service");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServerThatChecksTokensIsGivenTheRevocationListsRedis(String overlay) throws Exception {
        List<HasMetadata> objects = render("overlays/" + overlay);
        Set<String> given = new java.util.HashSet<>();
        for (HasMetadata object : objects) {
            PodSpec pod = podSpec(object);
            String name = object.getMetadata().getName();
            if (pod == null || !TOKEN_CHECKERS.contains(name)) {
                continue;
            }
            EnvVar redis = pod.getContainers().getFirst().getEnv().stream()
                    .filter(variable -> variable.getName().equals("SPRING_DATA_REDIS_URL"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + " has no SPRING_DATA_REDIS_URL"));
            assertThat(redis.getValue())
                    .as("%s: from the Secret, not inline", name)
                    .isNull();
            assertThat(redis.getValueFrom().getSecretKeyRef().getName())
                    .as(name)
                    .isEqualTo("meridian-redis");
            assertThat(redis.getValueFrom().getSecretKeyRef().getKey()).as(name).isEqualTo("url");
            given.add(name);
        }
        assertThat(given).containsExactlyInAnyOrderElementsOf(TOKEN_CHECKERS);
    }

    @Test
    void inTheDevClusterRedisAdmitsEveryServerThatChecksTokens() throws Exception {
        List<HasMetadata> objects = render("overlays/dev");
        Map<String, String> redisPod = only(objects, Deployment.class, "redis")
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getLabels();
        List<NetworkPolicy> policies = all(objects, NetworkPolicy.class).toList();
        for (HasMetadata object : objects) {
            String name = object.getMetadata().getName();
            if (!TOKEN_CHECKERS.contains(name) || podSpec(object) == null) {
                continue;
            }
            Map<String, String> client =
                    ((Deployment) object).getSpec().getTemplate().getMetadata().getLabels();
            assertThat(policies.stream()
                            .filter(policy ->
                                    isEmpty(policy.getSpec().getPodSelector().getMatchExpressions())
                                            && redisPod.entrySet()
                                                    .containsAll(policy.getSpec()
                                                            .getPodSelector()
                                                            .getMatchLabels()
                                                            .entrySet())
                                            && policy.getSpec().getIngress() != null)
                            .flatMap(policy -> policy.getSpec().getIngress().stream())
                            .filter(rule -> isEmpty(rule.getPorts())
                                    || rule.getPorts().stream()
                                            .anyMatch(port -> port.getPort().getIntVal() != null
                                                    && port.getPort().getIntVal() == 6379))
                            .flatMap(rule -> rule.getFrom().stream())
                            .anyMatch(peer -> peer.getNamespaceSelector() == null
                                    && peer.getIpBlock() == null
                                    && peer.getPodSelector() != null
                                    && isEmpty(peer.getPodSelector().getMatchExpressions())
                                    && client.entrySet()
                                            .containsAll(peer.getPodSelector()
                                                    .getMatchLabels()
                                                    .entrySet())))
                    .as("%s's pods reach Redis on 6379 past default-deny-ingress", name)
                    .isTrue();
        }
    }

    @Test
    void inTheDevClusterEachServiceHasItsOwnDatabaseRoleMadeByTheComposeInitScript() throws Exception {
        List<HasMetadata> objects = render("overlays/dev");

        Set<String> roles = new java.util.HashSet<>();
        for (String service : List.of("user-service", "auth-service", "audit-service", "notification-service")) {
            Secret secret = only(objects, Secret.class, service + "-db");
            String role = decoded(secret, "username");
            assertThat(roles.add(role)).as(service).isTrue();
            assertThat(decoded(secret, "url")).endsWith("/" + role);
            assertThat(decoded(secret, "password"))
                    .isEqualTo(decoded(
                            only(objects, Secret.class, "postgres-roles"),
                            role.toUpperCase(java.util.Locale.ROOT) + "_DB_PASSWORD"));
        }
        assertThat(roles).doesNotContain("meridian", "postgres");
        assertThat(only(objects, ConfigMap.class, "postgres-init").getData().get("10-databases.sh"))
                .as("the same script as compose's")
                .isEqualTo(Files.readString(K8S.resolve("../compose/postgres-init.sh")));
    }

    private static String decoded(Secret secret, String key) {
        if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
            return secret.getStringData().get(key);
        }
        return new String(
                java.util.Base64.getMimeDecoder().decode(secret.getData().get(key)),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The cluster's Prometheus gets the very rules promtool tests, and discovery-service expects as many instances of
     * each service as the manifests run (or RegistryInstancesBelowExpected would fire, or stay silent, for nothing).
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theAlertRulesAreTheTestedFileAndTheRegistryExpectsTheReplicasThatRun(String overlay) throws Exception {
        List<HasMetadata> objects = render("overlays/" + overlay);

        assertThat(only(objects, ConfigMap.class, "meridian-alert-rules").getData())
                .containsOnlyKeys("meridian-alerts.yml")
                .containsEntry(
                        "meridian-alerts.yml",
                        Files.readString(K8S.resolve("../prometheus/rules/meridian-alerts.yml")));
        String expected = only(objects, StatefulSet.class, "discovery-service")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getEnv()
                .stream()
                .filter(variable -> variable.getName().equals("MERIDIAN_REGISTRY_EXPECTED_INSTANCES"))
                .map(EnvVar::getValue)
                .findFirst()
                .orElseThrow();
        // What each service runs at the least: its replicas, or under an autoscaler the autoscaler's minimum.
        Map<String, Integer> autoscalerMinimum = autoscalerMinimum(objects);
        List<Integer> fewest = all(objects, Deployment.class)
                .filter(deployment -> SERVICES.contains(deployment.getMetadata().getName()))
                .map(deployment -> deployment.getSpec().getReplicas() != null
                        ? deployment.getSpec().getReplicas()
                        : autoscalerMinimum.get(deployment.getMetadata().getName()))
                .toList();
        assertThat(fewest).as("every service's least count is known").doesNotContainNull();
        assertThat(Collections.min(fewest))
                .as("the registry expects what the smallest service runs")
                .isEqualTo(Integer.valueOf(expected));
    }

    /**
     * meridian-config is generated with a hash of its values in its name, and every workload refers to that name: a
     * changed value (in the base or an overlay's merge) is a changed pod template, so an apply rolls the pods.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void aChangedSettingRollsThePods(String overlay) throws Exception {
        List<HasMetadata> objects = render("overlays/" + overlay);
        String name = sharedConfig(objects).getMetadata().getName();
        assertThat(name).as("hashed").matches("meridian-config-[a-z0-9]{10}");
        for (HasMetadata object : objects) {
            PodSpec pod = podSpec(object);
            if (pod == null || !SERVICES.contains(object.getMetadata().getName())) {
                continue;
            }
            Container container = pod.getContainers().getFirst();
            assertThat(Stream.concat(
                            container.getEnvFrom().stream()
                                    .filter(source -> source.getConfigMapRef() != null)
                                    .map(source -> source.getConfigMapRef().getName()),
                            container.getEnv().stream()
                                    .filter(variable -> variable.getValueFrom() != null
                                            && variable.getValueFrom().getConfigMapKeyRef() != null)
                                    .map(variable -> variable.getValueFrom()
                                            .getConfigMapKeyRef()
                                            .getName())))
                    .as("%s reads the generated name", object.getMetadata().getName())
                    .isNotEmpty()
                    .containsOnly(name);
        }

        // kustomize takes a base by a relative path only: the edit is made beside the build's output.
        Path edited = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "kustomize-edit")
                .toAbsolutePath();
        try {
            Files.writeString(edited.resolve("kustomization.yaml"), """
                    resources:
                      - %s
                    configMapGenerator:
                      - name: meridian-config
                        behavior: merge
                        literals:
                          - LOG_FORMAT=plain
                    """.formatted(
                            edited.relativize((overlay.equals("prod") ? withSiteValues(true) : K8S)
                                    .resolve("overlays/" + overlay)
                                    .toAbsolutePath()
                                    .normalize())));
            String renamed = sharedConfig(render(edited)).getMetadata().getName();
            assertThat(renamed)
                    .as("another value, another name")
                    .isNotEqualTo(name)
                    .startsWith("meridian-config-");
        } finally {
            Files.delete(edited.resolve("kustomization.yaml"));
            Files.delete(edited);
        }
    }

    /**
     * A pod leaves Eureka before it stops answering: its preStop hook sets it OUT_OF_SERVICE under its pod name (the
     * instance id it registers with), then waits longer than a caller may keep the old list (registry fetch plus load
     * balancer cache, as prod configures them); SIGTERM follows, with Spring's 30 s graceful shutdown inside the
     * grace period. The registries answer from the live registry in prod, not a 30 s response cache.
     */
    @Test
    void aLeavingPodIsOutOfEurekaBeforeItStopsAnswering() throws Exception {
        List<HasMetadata> objects = render("overlays/prod");
        Map<String, String> config = sharedConfig(objects).getData();
        int staleness = Integer.parseInt(config.get("EUREKA_CLIENT_REGISTRYFETCHINTERVALSECONDS"))
                + Integer.parseInt(
                        config.get("SPRING_CLOUD_LOADBALANCER_CACHE_TTL").replace("s", ""));
        assertThat(staleness).as("a caller's list is at most this old").isLessThanOrEqualTo(10);
        assertThat(Integer.parseInt(config.get("EUREKA_INSTANCE_LEASEEXPIRATIONDURATIONINSECONDS")))
                .isLessThanOrEqualTo(15)
                .isGreaterThanOrEqualTo(
                        3 * Integer.parseInt(config.get("EUREKA_INSTANCE_LEASERENEWALINTERVALINSECONDS")));
        assertThat(only(objects, StatefulSet.class, "discovery-service")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getEnv())
                .extracting(EnvVar::getName, EnvVar::getValue)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("EUREKA_SERVER_USEREADONLYRESPONSECACHE", "false"),
                        org.assertj.core.groups.Tuple.tuple("EUREKA_SERVER_EVICTIONINTERVALTIMERINMS", "5000"));
        for (Deployment deployment : all(objects, Deployment.class).toList()) {
            String name = deployment.getMetadata().getName();
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            Container container = pod.getContainers().getFirst();
            List<String> hook = container.getLifecycle().getPreStop().getExec().getCommand();
            assertThat(hook.subList(0, 3))
                    .as(name)
                    .containsExactly("bash", "/opt/meridian/hooks/eureka-out-of-service.sh", name);
            int wait = Integer.parseInt(hook.get(3));
            assertThat(wait).as("%s waits out the callers' lists", name).isGreaterThan(staleness);
            assertThat(pod.getTerminationGracePeriodSeconds())
                    .as("%s: the wait, then 30 s of graceful shutdown, with room", name)
                    .isGreaterThanOrEqualTo(wait + 30L + 10L);
            assertThat(container.getEnv())
                    .filteredOn(variable -> variable.getName().equals("EUREKA_INSTANCE_INSTANCEID"))
                    .singleElement()
                    .satisfies(variable -> assertThat(
                                    variable.getValueFrom().getFieldRef().getFieldPath())
                            .isEqualTo("metadata.name"));
        }
    }

    /**
     * The hook itself, run by bash against two stand-in registries: each is asked, with the account from the URL's
     * user-info, to set the named instance OUT_OF_SERVICE; an unreachable third is skipped, not fatal.
     */
    @Test
    void theHookSetsTheInstanceOutOfServiceAtEveryRegistry() throws Exception {
        List<String> requests = Collections.synchronizedList(new ArrayList<>());
        List<com.sun.net.httpserver.HttpServer> registries = new ArrayList<>();
        StringBuilder urls = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            var registry = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            registry.createContext("/", exchange -> {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                        + exchange.getRequestHeaders().getFirst("Authorization"));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            registry.start();
            registries.add(registry);
            urls.append("http://meridian:s3cret@127.0.0.1:")
                    .append(registry.getAddress().getPort())
                    .append("/eureka/,");
        }
        urls.append("http://meridian:s3cret@127.0.0.1:1/eureka/");
        try {
            Path script = K8S.resolve("base/hooks/eureka-out-of-service.sh");
            ProcessBuilder unset =
                    new ProcessBuilder("bash", script.toString(), "user-service", "0").redirectErrorStream(true);
            unset.environment().keySet().removeIf(variable -> variable.startsWith("EUREKA_"));
            Process refused = unset.start();
            refused.getInputStream().readAllBytes();
            assertThat(refused.waitFor())
                    .as("without its variables the hook refuses")
                    .isNotZero();
            assertThat(requests).isEmpty();

            ProcessBuilder run =
                    new ProcessBuilder("bash", script.toString(), "user-service", "0").redirectErrorStream(true);
            run.environment().put("EUREKA_URL", urls.toString());
            run.environment().put("EUREKA_INSTANCE_INSTANCEID", "user-service-7f9c-abcde");
            Process hook = run.start();
            String output = new String(hook.getInputStream().readAllBytes());
            assertThat(hook.waitFor()).as(output).isZero();
            String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("meridian:s3cret".getBytes());
            assertThat(requests)
                    .containsExactly(
                            "PUT /eureka/apps/USER-SERVICE/user-service-7f9c-abcde/status?value=OUT_OF_SERVICE "
                                    + basic,
                            "PUT /eureka/apps/USER-SERVICE/user-service-7f9c-abcde/status?value=OUT_OF_SERVICE "
                                    + basic);
            assertThat(output).contains("127.0.0.1:1 unreachable");
        } finally {
            registries.forEach(registry -> registry.stop(0));
        }
    }

    /**
     * The connections the services may hold at once, at their most pods (an autoscaler's maximum, or the replicas,
     * plus the one a rolling update adds), stay within the database's budget: 80 of PostgreSQL's default
     * max_connections of 100, the rest for its reserved superuser slots, replication, migrations, monitoring and the
     * operator (docs/deployment.md, "Database connections"). Each pool is set in the manifests, not left to the
     * application's default.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void atTheirMostPodsTheServicesStayWithinTheDatabasesConnectionBudget(String overlay) throws Exception {
        int budget = 80;
        List<HasMetadata> objects = render("overlays/" + overlay);
        Map<String, Integer> maxima = all(objects, HorizontalPodAutoscaler.class)
                .collect(Collectors.toMap(
                        hpa -> hpa.getSpec().getScaleTargetRef().getName(),
                        hpa -> hpa.getSpec().getMaxReplicas()));
        int connections = 0;
        Set<String> counted = new java.util.TreeSet<>();
        for (Deployment deployment : all(objects, Deployment.class).toList()) {
            String name = deployment.getMetadata().getName();
            Map<String, EnvVar> env =
                    deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
                            .collect(Collectors.toMap(EnvVar::getName, variable -> variable));
            if (!SERVICES.contains(name) || !env.containsKey("SPRING_DATASOURCE_URL")) {
                continue;
            }
            assertThat(env).as("%s sets its pool", name).containsKey("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE");
            int pool = Integer.parseInt(
                    env.get("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE").getValue());
            int pods = maxima.getOrDefault(name, deployment.getSpec().getReplicas())
                    + deployment
                            .getSpec()
                            .getStrategy()
                            .getRollingUpdate()
                            .getMaxSurge()
                            .getIntVal();
            connections += pods * pool;
            counted.add(name);
        }
        assertThat(counted).containsExactly("audit-service", "auth-service", "notification-service", "user-service");
        assertThat(connections).as("connections at the services' most pods").isLessThanOrEqualTo(budget);
    }

    /**
     * Production's site values are required: rendering prod without site.env fails, and with the example every value
     * reaches its place (the Ingress host and its certificate, meridian-config's settings), none of the base's
     * placeholders left.
     */
    @Test
    void prodRendersOnlyWithEverySiteValueInPlaceOfTheBasesPlaceholders() throws Exception {
        Process without = new ProcessBuilder(
                        kubectl().toString(),
                        "kustomize",
                        withSiteValues(false).resolve("overlays/prod").toString())
                .redirectErrorStream(true)
                .start();
        String error = new String(without.getInputStream().readAllBytes());
        assertThat(without.waitFor()).as("without site.env").isNotZero();
        assertThat(error).contains("site.env");

        Map<String, String> site = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(K8S.resolve("overlays/prod/site.env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                site.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        Map<String, String> placeholders = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(K8S.resolve("base/config.env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                placeholders.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        List<HasMetadata> objects = render("overlays/prod");
        Map<String, String> config = sharedConfig(objects).getData();
        Ingress ingress = only(objects, Ingress.class, "gateway-service");
        assertThat(site).containsKey("PUBLIC_HOST");
        site.forEach((key, value) -> {
            if (key.startsWith("IMAGE_")) {
                String service = key.substring("IMAGE_".length())
                        .toLowerCase(java.util.Locale.ROOT)
                        .replace('_', '-');
                PodSpec pod = podSpec(objects.stream()
                        .filter(object -> object.getMetadata().getName().equals(service) && podSpec(object) != null)
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(key + " names no workload")));
                assertThat(pod.getContainers().getFirst().getImage()).as(key).isEqualTo(value);
            } else if (key.equals("PUBLIC_HOST")) {
                assertThat(ingress.getSpec().getRules().getFirst().getHost()).isEqualTo(value);
                assertThat(ingress.getSpec().getTls().getFirst().getHosts()).containsExactly(value);
            } else {
                assertThat(config).as(key).containsEntry(key, value);
                assertThat(placeholders.get(key))
                        .as("%s is a placeholder of the base's", key)
                        .isNotNull();
            }
        });
        assertThat(site.keySet())
                .as("an image for every service")
                .containsAll(SERVICES.stream()
                        .map(service -> "IMAGE_"
                                + service.toUpperCase(java.util.Locale.ROOT).replace('-', '_'))
                        .toList());
        assertThat(objects.stream()
                        .map(KubernetesManifestsTest::podSpec)
                        .filter(java.util.Objects::nonNull)
                        .flatMap(pod -> pod.getContainers().stream())
                        .map(Container::getImage))
                .as("every image from a registry of the site's, pinned by digest")
                .isNotEmpty()
                .allSatisfy(image -> assertThat(image).matches("[a-z0-9.-]+\\.[a-z]+(:\\d+)?/.+@sha256:[0-9a-f]{64}"));
        String rendered = Serialization.asYaml(objects);
        assertThat(rendered)
                .as("no placeholder left")
                .doesNotContain("meridian.example", "kafka:9092", "otel-collector:4318")
                .doesNotContain("SMTP_HOST: smtp\n");
        assertThat(objects)
                .as("the site values are the build's, not applied")
                .noneMatch(object -> object.getMetadata().getName().startsWith("meridian-site"));
    }

    /**
     * The example manifests for production's dependencies (deploy/k8s/examples) say what the platform needs of each:
     * Kafka with replication 3, min.insync.replicas 2 and a TLS listener, the events and dead-letter topics, a user
     * per service limited to its own topics and group; PostgreSQL with a PgBouncer pooler and scheduled backups; the
     * Ingress certificate; an ExternalSecret for every Secret prod's workloads read; Redis with AUTH and TLS.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theExamplesForProductionsDependenciesHaveTheSettingsThatMatter() throws Exception {
        Map<String, List<Map<String, Object>>> byKind = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(K8S.resolve("examples"))) {
            for (Path file :
                    files.filter(path -> path.toString().endsWith(".yaml")).toList()) {
                for (Object document : new org.yaml.snakeyaml.Yaml().loadAll(Files.readString(file))) {
                    Map<String, Object> object = (Map<String, Object>) document;
                    byKind.computeIfAbsent((String) object.get("kind"), kind -> new ArrayList<>())
                            .add(object);
                }
            }
        }
        assertThat(byKind)
                .containsKeys(
                        "Kafka",
                        "KafkaTopic",
                        "KafkaUser",
                        "Cluster",
                        "Pooler",
                        "ScheduledBackup",
                        "Certificate",
                        "ExternalSecret");

        Map<String, Object> kafka = (Map<String, Object>) at(byKind.get("Kafka").getFirst(), "spec", "kafka");
        Map<String, Object> kafkaConfig = (Map<String, Object>) kafka.get("config");
        assertThat(kafkaConfig).containsEntry("default.replication.factor", 3).containsEntry("min.insync.replicas", 2);
        assertThat((List<Map<String, Object>>) kafka.get("listeners")).anySatisfy(listener -> {
            assertThat(listener.get("tls")).isEqualTo(true);
            assertThat(String.valueOf(listener.get("authentication"))).containsAnyOf("scram-sha-512", "tls");
        });
        Map<String, Map<String, Object>> topics = byKind.get("KafkaTopic").stream()
                .collect(Collectors.toMap(topic -> (String) at(topic, "metadata", "name"), topic -> topic));
        assertThat(topics)
                .containsKeys("user-events", "user-events.audit-service.dlt", "user-events.notification-service.dlt");
        topics.values().forEach(topic -> {
            assertThat(at(topic, "spec", "replicas")).isEqualTo(3);
            assertThat(at(topic, "spec", "config", "min.insync.replicas")).isEqualTo(2);
        });
        Map<String, Map<String, Object>> users = byKind.get("KafkaUser").stream()
                .collect(Collectors.toMap(user -> (String) at(user, "metadata", "name"), user -> user));
        assertThat(users).containsKeys("user-service", "auth-service", "audit-service", "notification-service");
        users.forEach((service, user) -> {
            assertThat(String.valueOf(at(user, "spec", "authentication", "type")))
                    .isIn("scram-sha-512", "tls");
            List<Map<String, Object>> acls = (List<Map<String, Object>>) at(user, "spec", "authorization", "acls");
            assertThat(acls).as(service).allSatisfy(acl -> {
                String name = String.valueOf(at(acl, "resource", "name"));
                assertThat(name)
                        .as("%s: its own group and topics only", service)
                        .isIn(service, "user-events", "user-events." + service + ".dlt");
                assertThat(String.valueOf(at(acl, "resource", "type"))).isIn("topic", "group");
            });
        });

        assertThat(at(byKind.get("Pooler").getFirst(), "spec", "pgbouncer", "poolMode"))
                .isNotNull();
        assertThat(at(byKind.get("Pooler").getFirst(), "spec", "cluster", "name"))
                .isEqualTo(at(byKind.get("Cluster").getFirst(), "metadata", "name"));
        assertThat((Integer) at(byKind.get("Cluster").getFirst(), "spec", "instances"))
                .isGreaterThanOrEqualTo(2);
        assertThat(at(byKind.get("Cluster").getFirst(), "spec", "backup")).isNotNull();
        assertThat(at(byKind.get("ScheduledBackup").getFirst(), "spec", "cluster", "name"))
                .isEqualTo(at(byKind.get("Cluster").getFirst(), "metadata", "name"));
        assertThat(byKind.get("Certificate"))
                .extracting(certificate -> at(certificate, "spec", "secretName"))
                .contains(only(render("overlays/prod"), Ingress.class, "gateway-service")
                        .getSpec()
                        .getTls()
                        .getFirst()
                        .getSecretName());

        Set<String> read = new java.util.TreeSet<>();
        for (HasMetadata object : render("overlays/prod")) {
            PodSpec pod = podSpec(object);
            if (pod != null) {
                pod.getContainers()
                        .forEach(container -> container.getEnv().stream()
                                .filter(variable -> variable.getValueFrom() != null
                                        && variable.getValueFrom().getSecretKeyRef() != null)
                                .forEach(variable -> read.add(variable.getValueFrom()
                                        .getSecretKeyRef()
                                        .getName())));
            }
        }
        assertThat(byKind.get("ExternalSecret"))
                .extracting(secret -> (String) at(secret, "spec", "target", "name"))
                .as("an ExternalSecret for every Secret prod's workloads read")
                .containsAll(read);
        String redis = Files.readString(K8S.resolve("examples/redis-tls.yaml"));
        assertThat(redis).as("AUTH and TLS, and how the URL looks").contains("tls-port", "requirepass", "rediss://");
    }

    private static Object at(Map<String, Object> object, String... path) {
        Object node = object;
        for (String key : path) {
            assertThat(node).as(String.join(".", path)).isInstanceOf(Map.class);
            node = ((Map<?, ?>) node).get(key);
        }
        return node;
    }

    /** The one ConfigMap generated as meridian-config (its name carries a hash of its values). */
    private static ConfigMap sharedConfig(List<HasMetadata> objects) {
        List<ConfigMap> found = all(objects, ConfigMap.class)
                .filter(map -> map.getMetadata().getName().matches("meridian-config(-[a-z0-9]{10})?"))
                .toList();
        assertThat(found).as("ConfigMap meridian-config").hasSize(1);
        return found.getFirst();
    }

    @Test
    void aMisspeltFieldIsCaught() {
        HasMetadata misspelt = Serialization.unmarshal("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: typo
                spec:
                  replcas: 2
                  selector:
                    matchLabels: {app: typo}
                  template:
                    metadata:
                      labels: {app: typo}
                    spec:
                      containers:
                        - name: typo
                          image: typo
                          readinessProb: {}
                """);

        assertThat(unknownFields(misspelt)).containsExactlyInAnyOrder("replcas", "readinessProb");
    }

    /**
     * The overlay rendered by {@code kubectl kustomize}. Without kubectl the test fails rather than skips: a skipped
     * validation reads as a passed one (.ci/run installs kubectl where it is missing).
     */
    private static List<HasMetadata> render(String folder) throws IOException, InterruptedException {
        if (folder.equals("overlays/prod")) {
            return render(withSiteValues(true).resolve(folder));
        }
        return render(K8S.resolve(folder));
    }

    /**
     * A copy of deploy/ (the overlays reach ../../prometheus and ../compose) under target/, its prod overlay given
     * site.env.example as its site.env, or no site.env at all: the repository's tree is never written to, and a
     * site.env an operator keeps there is never read.
     */
    private static Path withSiteValues(boolean given) throws IOException {
        Path copy = Files.createDirectories(Path.of("target"))
                .toAbsolutePath()
                .resolve(given ? "deploy-with-site-values" : "deploy-without-site-values");
        Path source = K8S.getParent().toAbsolutePath().normalize();
        if (Files.exists(copy)) {
            try (Stream<Path> old = Files.walk(copy)) {
                old.sorted(java.util.Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        Path prod = copy.resolve("k8s/overlays/prod");
        Files.deleteIfExists(prod.resolve("site.env"));
        if (given) {
            Files.copy(prod.resolve("site.env.example"), prod.resolve("site.env"));
        }
        return copy.resolve("k8s");
    }

    private static List<HasMetadata> render(Path folder) throws IOException, InterruptedException {
        Path kubectl = kubectl();
        Process render = new ProcessBuilder(kubectl.toString(), "kustomize", folder.toString())
                .redirectErrorStream(false)
                .start();
        String yaml = new String(render.getInputStream().readAllBytes());
        String errors = new String(render.getErrorStream().readAllBytes());
        assertThat(render.waitFor()).as(errors).isZero();
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : yaml.split("(?m)^---$")) {
            if (!document.isBlank()) {
                Object parsed = Serialization.unmarshal(document);
                if (parsed instanceof KubernetesList list) {
                    objects.addAll(list.getItems());
                } else {
                    objects.add((HasMetadata) parsed);
                }
            }
        }
        return objects;
    }

    /** kubectl on the PATH (1.27 or later: kustomize 5), or a failure that says so. */
    private static Path kubectl() {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator))
                .map(folder -> Path.of(folder, "kubectl"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError("kubectl (with kustomize 5) is not installed, so the overlays "
                        + "cannot be rendered and validated: install it (.ci/run does: apt-get install kubectl)"));
    }

    /** Names of fields the typed model did not recognise, anywhere in the object. */
    private static List<String> unknownFields(Object root) {
        List<String> unknown = new ArrayList<>();
        collectUnknown(root, unknown, new IdentityHashMap<>());
        return unknown;
    }

    private static void collectUnknown(Object node, List<String> unknown, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, true) != null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            items.forEach(item -> collectUnknown(item, unknown, seen));
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.values().forEach(value -> collectUnknown(value, unknown, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            try {
                Object value = getter.invoke(node);
                if (getter.getName().equals("getAdditionalProperties") && value instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(key -> unknown.add(String.valueOf(key)));
                } else {
                    collectUnknown(value, unknown, seen);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // a derived accessor that does not apply to this object
            }
        }
    }

    private static boolean isEmpty(Object mapOrCollection) {
        return mapOrCollection == null
                || (mapOrCollection instanceof Map<?, ?> map && map.isEmpty())
                || (mapOrCollection instanceof Collection<?> items && items.isEmpty());
    }

    private static PodSpec podSpec(HasMetadata object) {
        if (object instanceof Deployment deployment) {
            return deployment.getSpec().getTemplate().getSpec();
        }
        if (object instanceof StatefulSet statefulSet) {
            return statefulSet.getSpec().getTemplate().getSpec();
        }
        return null;
    }

    private static <T extends HasMetadata> Stream<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast);
    }

    /** Each autoscaled workload's name, with its autoscaler's minimum. */
    private static Map<String, Integer> autoscalerMinimum(List<HasMetadata> objects) {
        return all(objects, HorizontalPodAutoscaler.class)
                .collect(Collectors.toMap(
                        hpa -> hpa.getSpec().getScaleTargetRef().getName(),
                        hpa -> hpa.getSpec().getMinReplicas()));
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type, String name) {
        List<T> found = all(objects, type)
                .filter(object -> object.getMetadata().getName().equals(name))
                .toList();
        assertThat(found).as(type.getSimpleName() + " " + name).hasSize(1);
        return found.getFirst();
    }

    private static Set<String> names(List<HasMetadata> objects, Class<? extends HasMetadata> type) {
        return objects.stream()
                .filter(type::isInstance)
                .map(object -> object.getMetadata().getName())
                .collect(Collectors.toSet());
    }
}
