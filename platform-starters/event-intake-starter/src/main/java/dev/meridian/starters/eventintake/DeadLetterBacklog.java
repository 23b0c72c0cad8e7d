package dev.meridian.starters.eventintake;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * {@code meridian_events_dead_letters_waiting{topic}}: the dead letters not replayed yet — per partition of the
 * dead-letter topic, its end offset less what the replay's consumer group has committed (less the earliest offset
 * still kept where the group has committed nothing: before the first replay, or in a service without one). A
 * counter of letters written could not say whether they are still there. Read with Kafka's admin client every
 * {@code meridian.events.dead-letters.backlog-interval} on a thread of its own, never while Prometheus scrapes (a
 * scrape would wait on a broker that is down); a failed read keeps the last value, since the letters did not go
 * away, and the gauge is NaN until the first read.
 */
final class DeadLetterBacklog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterBacklog.class);

    private final KafkaAdmin kafka;
    private final String topic;
    private final String replayGroup;
    private final Duration interval;
    private volatile double waiting = Double.NaN;
    /** The last read failed: its warning is written, the next failures are debug lines. */
    private volatile boolean unreadable;

    private ScheduledExecutorService timer;
    private Admin admin;

    DeadLetterBacklog(KafkaAdmin kafka, String topic, String replayGroup, Duration interval, MeterRegistry meters) {
        this.kafka = kafka;
        this.topic = topic;
        this.replayGroup = replayGroup;
        this.interval = interval;
        Gauge.builder("meridian.events.dead_letters.waiting", this, backlog -> backlog.waiting)
                .description("Dead letters not replayed yet; NaN until first read")
                .tag("topic", topic)
                .register(meters);
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("dead-letter-backlog").factory());
        // The first read after one interval: the topic is declared at start-up, and a context that lives shorter
        // (a test's) never opens an admin connection.
        timer.scheduleWithFixedDelay(this::read, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
        timer = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }

    double waiting() {
        return waiting;
    }

    void read() {
        try {
            if (admin == null) {
                admin = Admin.create(kafka.getConfigurationProperties());
            }
            List<TopicPartition> partitions = admin
                    .describeTopics(List.of(topic))
                    .topicNameValues()
                    .get(topic)
                    .get(timeout(), TimeUnit.MILLISECONDS)
                    .partitions()
                    .stream()
                    .map(partition -> new TopicPartition(topic, partition.partition()))
                    .toList();
            Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest());
            Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(partitions, OffsetSpec.earliest());
            Map<TopicPartition, OffsetAndMetadata> replayed = admin.listConsumerGroupOffsets(replayGroup)
                    .partitionsToOffsetAndMetadata()
                    .get(timeout(), TimeUnit.MILLISECONDS);
            long total = 0;
            for (TopicPartition partition : partitions) {
                long from = starts.get(partition).offset();
                OffsetAndMetadata done = replayed.get(partition);
                if (done != null) {
                    from = Math.max(from, done.offset());
                }
                total += Math.max(0, ends.get(partition).offset() - from);
            }
            waiting = total;
            if (unreadable) {
                unreadable = false;
                log.info("The dead-letter backlog of {} is read again", topic);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Once per outage at WARN: a Kafka that refuses the admin client (ACLs) would otherwise silence the
            // dead-letter alert for good, its gauge never set.
            if (!unreadable) {
                unreadable = true;
                log.warn("Could not read the dead-letter backlog of {} ({}); its gauge keeps its last value", topic, e);
            } else {
                log.debug("Could not read the backlog of {}: {}", topic, e.toString());
            }
        }
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws Exception {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), partition -> spec)))
                .all()
                .get(timeout(), TimeUnit.MILLISECONDS);
    }

    private long timeout() {
        return interval.toMillis();
    }
}
