package dev.meridian.user.events;

import dev.meridian.events.UserEvent;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The write side of the transactional outbox. The account aggregate registers its events; Spring Data publishes
 * them while saving, inside the transaction, and this listener writes each one to the {@code outbox} table with the
 * same connection. So the account row and its event commit together or not at all. After commit the relay is
 * nudged, so an event usually reaches Kafka within milliseconds rather than at the next poll.
 */
@Component
class Outbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final OutboxRelay relay;
    private final ObjectProvider<Tracer> tracer;
    private final ObjectProvider<Propagator> propagator;

    Outbox(
            JdbcClient jdbc,
            JsonMapper json,
            OutboxRelay relay,
            ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator) {
        this.jdbc = jdbc;
        this.json = json;
        this.relay = relay;
        this.tracer = tracer;
        this.propagator = propagator;
    }

    @EventListener
    void record(UserEvent event) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            // An event written outside a transaction could be lost or published for a change that never happened.
            throw new IllegalStateException("User events must be published inside the transaction that causes them");
        }
        jdbc.sql("""
                        insert into outbox (event_id, user_id, type, payload, occurred_at, trace_parent)
                        values (:eventId, :userId, :type, :payload, :occurredAt, :traceParent)""")
                .param("eventId", event.eventId())
                .param("userId", event.userId())
                .param("type", event.type())
                .param("payload", json.writeValueAsString(event))
                .param("occurredAt", Timestamp.from(event.occurredAt()))
                .param("traceParent", currentTraceParent())
                .update();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                relay.wakeUp();
            }
        });
    }

    /** The W3C {@code traceparent} of the request that caused the event, so its trace continues through Kafka. */
    private String currentTraceParent() {
        Tracer current = tracer.getIfAvailable();
        Propagator propagation = propagator.getIfAvailable();
        if (current == null
                || propagation == null
                || current.currentTraceContext().context() == null) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        propagation.inject(current.currentTraceContext().context(), carrier, Map::put);
        return carrier.get("traceparent");
    }
}
