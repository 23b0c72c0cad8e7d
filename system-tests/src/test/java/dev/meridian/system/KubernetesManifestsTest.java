package dev.meridian.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * deploy/k8s, validated offline: each overlay rendered by kustomize (kubectl's), every object read into fabric8's
 * typed model — a field the model does not know (a misspelling) lands in {@code additionalProperties} and fails the
 * test — then the platform's rules: probes, resources and a locked-down security context on every workload, Eureka
 * as two peer-aware replicas, only the gateway exposed, autoscaling for the gateway and user-service, a disruption
 * budget for every workload, ingress denied by default, and no secret values in production.
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
        assertThat(objects.stream()
                        .filter(Ingress.class::isInstance)
                        .map(Ingress.class::cast)
                        .flatMap(ingress -> ingress.getSpec().getRules().stream())
                        .flatMap(rule -> rule.getHttp().getPaths().stream())
                        .map(path -> path.getBackend().getService().getName()))
                .as("only the gateway is exposed")
                .containsOnly("gateway-service");
        assertThat(objects.stream()
                        .filter(NetworkPolicy.class::isInstance)
                        .map(NetworkPolicy.class::cast)
                        .anyMatch(policy -> isEmpty(
                                        policy.getSpec().getPodSelector().getMatchLabels())
                                && isEmpty(policy.getSpec().getPodSelector().getMatchExpressions())
                                && isEmpty(policy.getSpec().getIngress())
                                && policy.getSpec().getPolicyTypes().contains("Ingress")))
                .as("ingress denied by default")
                .isTrue();
        assertThat(objects).as("no secret values committed for production").noneMatch(Secret.class::isInstance);
        assertThat(objects)
                .allSatisfy(object ->
                        assertThat(object.getMetadata().getNamespace()).isEqualTo("meridian"));
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

    /** The overlay rendered by {@code kubectl kustomize}; the base read file by file where there is no kubectl. */
    private static List<HasMetadata> render(String folder) throws IOException, InterruptedException {
        Path kubectl = Path.of("/usr/bin/kubectl");
        assumeTrue(
                Files.isExecutable(kubectl),
                "kubectl (with kustomize) not installed: overlays not rendered; install kubectl to validate them");
        Process render = new ProcessBuilder(
                        kubectl.toString(), "kustomize", K8S.resolve(folder).toString())
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

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type, String name) {
        List<T> found = objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
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
