package dev.meridian.user.export;

import dev.meridian.user.export.ExportProblems.ForeignData;
import dev.meridian.user.export.ExportProblems.PartRefused;
import dev.meridian.user.export.ExportProblems.PartUnavailable;
import dev.meridian.user.export.ExportProblems.TooLarge;
import feign.FeignException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Gathers the parts of an export that other services own, each call with the user's own access token (relayed: each
 * service applies its own "only your own data" rule to it) and through a circuit breaker of its own
 * ({@code resilience4j.circuitbreaker.instances.export-*}; Feign's timeouts bound each call). Audit entries and
 * deliveries are read page by page until the last, up to {@code meridian.export.max-entries}. An entry that names
 * another user stops the export: user-service checks what it relays, too.
 */
@Component
class ExportParts {

    static final String SESSIONS = "sessions";
    static final String DELIVERIES = "deliveries";
    static final String AUDIT_ENTRIES = "auditEntries";

    private static final Logger log = LoggerFactory.getLogger(ExportParts.class);

    private final SessionsClient sessions;
    private final DeliveriesClient deliveries;
    private final AuditClient audit;
    private final ExportSettings settings;
    private final CircuitBreaker sessionsBreaker;
    private final CircuitBreaker deliveriesBreaker;
    private final CircuitBreaker auditBreaker;

    ExportParts(
            SessionsClient sessions,
            DeliveriesClient deliveries,
            AuditClient audit,
            ExportSettings settings,
            CircuitBreakerRegistry breakers,
            MeterRegistry meters) {
        this.sessions = sessions;
        this.deliveries = deliveries;
        this.audit = audit;
        this.settings = settings;
        // Bound here: Resilience4j's metrics auto-configuration binds nothing on Boot 4 (switched off in YAML).
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        this.sessionsBreaker = breakers.circuitBreaker("export-sessions");
        this.deliveriesBreaker = breakers.circuitBreaker("export-deliveries");
        this.auditBreaker = breakers.circuitBreaker("export-audit");
    }

    /** A 4xx is the service's answer about this request (a refused token), not the service failing. */
    @Bean
    static CircuitBreakerConfigCustomizer exportSessionsAnswers() {
        return answersAreNotFailures("export-sessions");
    }

    @Bean
    static CircuitBreakerConfigCustomizer exportDeliveriesAnswers() {
        return answersAreNotFailures("export-deliveries");
    }

    @Bean
    static CircuitBreakerConfigCustomizer exportAuditAnswers() {
        return answersAreNotFailures("export-audit");
    }

    private static CircuitBreakerConfigCustomizer answersAreNotFailures(String breaker) {
        return CircuitBreakerConfigCustomizer.of(
                breaker,
                builder -> builder.ignoreException(failure ->
                        failure instanceof FeignException answer && answer.status() >= 400 && answer.status() < 500));
    }

    List<JsonNode> sessions(String authorization) {
        return call(SESSIONS, sessionsBreaker, () -> sessions.mine(authorization));
    }

    List<JsonNode> deliveries(String authorization, UUID user) {
        List<JsonNode> all = new ArrayList<>();
        String after = null;
        do {
            String cursor = after;
            var page = call(
                    DELIVERIES, deliveriesBreaker, () -> deliveries.mine(authorization, cursor, settings.pageSize()));
            add(all, page.deliveries(), page.next() != null, user, DELIVERIES);
            after = page.next();
        } while (after != null);
        return all;
    }

    List<JsonNode> auditEntries(String authorization, UUID user) {
        List<JsonNode> all = new ArrayList<>();
        Long from = 1L;
        do {
            long version = from;
            var page = call(AUDIT_ENTRIES, auditBreaker, () -> audit.mine(authorization, version, settings.pageSize()));
            add(all, page.events(), page.nextFromVersion() != null, user, AUDIT_ENTRIES);
            from = page.nextFromVersion();
        } while (from != null);
        return all;
    }

    private void add(List<JsonNode> all, List<JsonNode> page, boolean more, UUID user, String part) {
        if (page == null || (page.isEmpty() && more)) {
            // A page that is empty yet names a next one would page forever.
            log.warn("Export part {} answered an unusable page", part);
            throw new PartUnavailable(part, settings.retryAfter());
        }
        for (JsonNode entry : page) {
            if (!user.toString().equals(entry.path("userId").asString(""))) {
                log.error("Export part {} answered an entry of another user; export refused", part);
                throw new ForeignData(part);
            }
        }
        all.addAll(page);
        if (all.size() > settings.maxEntries()) {
            throw new TooLarge(part, settings.maxEntries());
        }
    }

    private <T> T call(String part, CircuitBreaker breaker, Supplier<T> call) {
        try {
            T answer = breaker.executeSupplier(call);
            if (answer == null) {
                throw new IllegalStateException("empty answer");
            }
            return answer;
        } catch (FeignException answer) {
            // Only the status: Feign's message holds the request line, and nothing of the token is logged.
            if (answer.status() == 401 || answer.status() == 403) {
                log.info("Export part {}: token refused ({})", part, answer.status());
                throw new PartRefused(part);
            }
            log.warn("Export part {} unavailable: status {}", part, answer.status());
            throw new PartUnavailable(part, settings.retryAfter());
        } catch (RuntimeException failure) {
            log.warn("Export part {} unavailable: {}", part, failure.getClass().getSimpleName());
            throw new PartUnavailable(part, settings.retryAfter());
        }
    }
}
