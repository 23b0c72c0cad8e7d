package dev.meridian.user.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.user.export.ExportProblems.ForeignData;
import dev.meridian.user.export.ExportProblems.PartRefused;
import dev.meridian.user.export.ExportProblems.PartUnavailable;
import dev.meridian.user.export.ExportProblems.TooLarge;
import feign.FeignException;
import feign.Request;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the export gathers a part: page after page until the last, the cap, a page that names a next one but holds
 * nothing, another user's entry, a refused token, and a breaker that opens after repeated failures and then answers
 * without calling. The services are plain Java implementations of the Feign interfaces; the breakers are Resilience4j's.
 */
class ExportPartsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UUID ADA = UUID.randomUUID();
    private static final ExportSettings SETTINGS =
            new ExportSettings(Duration.ofMinutes(1), 2, 5, Duration.ofSeconds(7));

    private final List<JsonNode> audit = new ArrayList<>();
    private final AtomicInteger auditCalls = new AtomicInteger();
    private volatile RuntimeException auditFailure;

    private final AuditClient auditClient = (authorization, fromVersion, limit) -> {
        auditCalls.incrementAndGet();
        if (auditFailure != null) {
            throw auditFailure;
        }
        int from = (int) fromVersion - 1;
        List<JsonNode> page = audit.subList(Math.min(from, audit.size()), Math.min(from + limit, audit.size()));
        return new AuditClient.Page(List.copyOf(page), page.size() < limit ? null : fromVersion + limit);
    };

    private final CircuitBreakerRegistry breakers = breakers();

    private final ExportParts parts = new ExportParts(
            authorization -> List.of(),
            (authorization, after, limit) -> new DeliveriesClient.Page(List.of(), "a-next-page-that-never-comes"),
            auditClient,
            SETTINGS,
            breakers,
            new SimpleMeterRegistry());

    @Test
    void readsEveryPageUntilTheLast() {
        IntStream.rangeClosed(1, 5).forEach(version -> audit.add(entry(ADA, version)));

        List<JsonNode> entries = parts.auditEntries("Bearer t", ADA);

        assertThat(entries).extracting(e -> e.get("version").asInt()).containsExactly(1, 2, 3, 4, 5);
        assertThat(auditCalls).hasValue(3);
    }

    @Test
    void moreThanTheCapIsTooLargeNotAShorterList() {
        IntStream.rangeClosed(1, 6).forEach(version -> audit.add(entry(ADA, version)));

        assertThatThrownBy(() -> parts.auditEntries("Bearer t", ADA))
                .isInstanceOf(TooLarge.class)
                .satisfies(problem -> assertThat(((TooLarge) problem).getBody().getProperties())
                        .containsEntry("part", "auditEntries"));
    }

    @Test
    void anEmptyPageThatNamesANextOneIsUnavailableRatherThanAnEndlessLoop() {
        assertThatThrownBy(() -> parts.deliveries("Bearer t", ADA))
                .isInstanceOf(PartUnavailable.class)
                .satisfies(problem -> assertThat(
                                ((PartUnavailable) problem).getHeaders().getFirst("Retry-After"))
                        .isEqualTo("7"));
    }

    @Test
    void anEntryOfAnotherUserStopsThePart() {
        audit.add(entry(ADA, 1));
        audit.add(entry(UUID.randomUUID(), 2));

        assertThatThrownBy(() -> parts.auditEntries("Bearer t", ADA)).isInstanceOf(ForeignData.class);
    }

    @Test
    void aRefusedTokenIsRefusedAndDoesNotOpenTheBreaker() {
        auditFailure = answer(401);

        for (int i = 0; i < 6; i++) {
            assertThatThrownBy(() -> parts.auditEntries("Bearer t", ADA)).isInstanceOf(PartRefused.class);
        }
        assertThat(auditCalls).hasValue(6);
    }

    @Test
    void repeatedFailuresOpenTheBreakerWhichThenAnswersWithoutCalling() {
        auditFailure = answer(500);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> parts.auditEntries("Bearer t", ADA)).isInstanceOf(PartUnavailable.class);
        }

        assertThatThrownBy(() -> parts.auditEntries("Bearer t", ADA)).isInstanceOf(PartUnavailable.class);
        assertThat(auditCalls).hasValue(4);
        assertThat(breakers.circuitBreaker("export-audit").getState().name()).isEqualTo("OPEN");
    }

    /** Small breakers, the audit one with the rule Resilience4j's starter adds from ExportParts' customizer bean. */
    private static CircuitBreakerRegistry breakers() {
        var config = CircuitBreakerConfig.custom()
                .slidingWindowSize(4)
                .minimumNumberOfCalls(4)
                .waitDurationInOpenState(Duration.ofMinutes(1));
        var registry = CircuitBreakerRegistry.of(config.build());
        ExportParts.exportAuditAnswers().customize(config);
        registry.circuitBreaker("export-audit", config.build());
        return registry;
    }

    private static JsonNode entry(UUID user, int version) {
        return JSON.valueToTree(Map.of("userId", user.toString(), "version", version));
    }

    private static FeignException answer(int status) {
        Request request = Request.create(
                Request.HttpMethod.GET,
                "http://audit-service/api/audit/me/events",
                Map.of(),
                null,
                StandardCharsets.UTF_8,
                null);
        return FeignException.errorStatus(
                "mine",
                feign.Response.builder()
                        .status(status)
                        .request(request)
                        .headers(Map.of())
                        .build());
    }
}
