package dev.meridian.user.events;

import dev.meridian.events.CloudEventHeaders;
import dev.meridian.events.UserEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The read side of the outbox: sends unpublished events to Kafka in {@code id} order, one acknowledged send after
 * the other, and stops at the first failure so that no later event of a user overtakes an earlier one. A
 * PostgreSQL advisory lock makes one instance the relay at a time; the others find the lock taken and wait for
 * their next turn. A crash between a send and its commit sends the event again (at least once): consumers
 * deduplicate by event id.
 */
@Component
class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** Any number both sides agree on: "outbox" in ASCII. */
    private static final long ADVISORY_LOCK = 0x6f7574626f78L;

    private final JdbcClient jdbc;
    private final KafkaTemplate<String, String> kafka;
    private final TransactionTemplate transactions;
    private final OutboxSettings settings;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final Counter published;
    private final Counter failures;

    OutboxRelay(
            JdbcClient jdbc,
            KafkaTemplate<String, String> kafka,
            TransactionTemplate transactions,
            OutboxSettings settings,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.transactions = transactions;
        this.settings = settings;
        this.published = Counter.builder("meridian.outbox.published")
                .description("Events the relay sent to Kafka")
                .register(meters);
        this.failures = Counter.builder("meridian.outbox.failures")
                .description("Relay rounds stopped by a failed send")
                .register(meters);
        Gauge.builder("meridian.outbox.pending", this, OutboxRelay::pending)
                .description("Events written but not yet acknowledged by Kafka")
                .register(meters);
        // The relay normally empties the outbox within a second; the age of its oldest row says how long Kafka has
        // not taken events (the count alone cannot tell a burst of sign-ups from a stuck relay).
        Gauge.builder("meridian.outbox.oldest_age", this, OutboxRelay::oldestAge)
                .description("Age of the oldest event not yet acknowledged by Kafka; 0 when none waits")
                .baseUnit("seconds")
                .register(meters);
    }

    /** After a commit: relay now, on a virtual thread, unless a round is already running (it will go again). */
    void wakeUp() {
        again.set(true);
        if (!running.get()) {
            Thread.ofVirtual().name("outbox-relay").start(this::relayPending);
        }
    }

    @Scheduled(fixedDelayString = "${meridian.outbox.poll-interval:1s}")
    void relayPending() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            do {
                again.set(false);
                while (relayBatch() == settings.batchSize()) {
                    // a full batch: there may be more behind it
                }
            } while (again.get());
        } catch (RuntimeException e) {
            log.warn("Outbox relay round failed: {}", e.getMessage());
        } finally {
            running.set(false);
        }
    }

    /** One transaction: take the relay lock, send a batch in order, stamp what Kafka acknowledged. */
    private int relayBatch() {
        Integer sent = transactions.execute(status -> {
            Boolean locked = jdbc.sql("select pg_try_advisory_xact_lock(?)")
                    .param(ADVISORY_LOCK)
                    .query(Boolean.class)
                    .single();
            if (!locked) {
                return 0;
            }
            List<PendingEvent> batch = jdbc.sql("""
                            select id, event_id, user_id, type, payload, occurred_at, trace_parent
                            from outbox where published_at is null order by id limit ?""")
                    .param(settings.batchSize())
                    .query(PendingEvent.class)
                    .list();
            int count = 0;
            for (PendingEvent event : batch) {
                try {
                    kafka.send(record(event)).get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    failures.increment();
                    jdbc.sql("update outbox set attempts = attempts + 1, last_error = ? where id = ?")
                            .param(String.valueOf(e.getMessage()))
                            .param(event.id())
                            .update();
                    log.warn(
                            "Kafka did not take event {} ({}); will retry: {}",
                            event.eventId(),
                            event.type(),
                            e.getMessage());
                    return count;
                }
                jdbc.sql("update outbox set published_at = now(), attempts = attempts + 1 where id = ?")
                        .param(event.id())
                        .update();
                published.increment();
                count++;
            }
            return count;
        });
        return sent == null ? 0 : sent;
    }

    /** CloudEvents 1.0 Kafka binding, binary mode: attributes as {@code ce_} headers, the event JSON as value. */
    private static ProducerRecord<String, String> record(PendingEvent event) {
        var headers = new RecordHeaders();
        CloudEventHeaders.of(event.eventId(), event.type(), UserEvents.SOURCE, event.occurredAt(), event.userId())
                .forEach((name, value) -> header(headers, name, value));
        if (event.traceParent() != null) {
            header(headers, "traceparent", event.traceParent());
        }
        return new ProducerRecord<>(UserEvents.TOPIC, null, event.userId().toString(), event.payload(), headers);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }

    private double pending() {
        return jdbc.sql("select count(*) from outbox where published_at is null")
                .query(Long.class)
                .single();
    }

    private double oldestAge() {
        // The first unpublished row by id, through the partial index: cheap however long the backlog.
        return jdbc.sql("""
                        select coalesce(extract(epoch from now() - (
                            select occurred_at from outbox where published_at is null order by id limit 1)), 0)""").query(Double.class).single();
    }

    /** Published rows are kept a while for inspection and replays, then removed. */
    @Scheduled(fixedDelayString = "${meridian.outbox.cleanup-interval:1h}")
    void removePublished() {
        int removed = jdbc.sql("delete from outbox where published_at < ?")
                .param(java.sql.Timestamp.from(Instant.now().minus(settings.retention())))
                .update();
        if (removed > 0) {
            log.info("Removed {} published outbox rows older than {}", removed, settings.retention());
        }
    }

    record PendingEvent(
            long id, UUID eventId, UUID userId, String type, String payload, Instant occurredAt, String traceParent) {}

    @ConfigurationProperties("meridian.outbox")
    record OutboxSettings(
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("100") int batchSize,
            @DefaultValue("20s") Duration sendTimeout,
            @DefaultValue("7d") Duration retention,
            @DefaultValue("1h") Duration cleanupInterval) {}
}
