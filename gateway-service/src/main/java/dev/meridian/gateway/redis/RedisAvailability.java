package dev.meridian.gateway.redis;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Whether the gateway's Redis calls (rate limits, the revocation list) should be tried. Every call is bounded by
 * {@code timeout}; after one fails, requests stop trying Redis — callers decide without it — and a probe thread pings
 * it every {@code retryInterval} until it answers, then requests use it again. Requests never wait for Redis to be
 * reconnected: Spring Data Redis opens its shared connection synchronously, which on the event loop stalled every
 * request behind it while Redis hung. Visible as {@code meridian_gateway_redis_available}.
 */
@Component
@EnableConfigurationProperties(RedisAvailability.Settings.class)
public class RedisAvailability implements DisposableBean {

    /** {@code meridian.gateway.redis}: how long a call may take, and how often Redis is probed while it fails. */
    @ConfigurationProperties("meridian.gateway.redis")
    public record Settings(
            @DefaultValue("50ms") Duration timeout,
            @DefaultValue("1s") Duration retryInterval) {}

    private static final Logger log = LoggerFactory.getLogger(RedisAvailability.class);

    private final ReactiveRedisConnectionFactory redis;
    private final Duration timeout;
    private final Duration retryInterval;
    private final AtomicBoolean down = new AtomicBoolean();
    private final List<Runnable> whenAnsweringAgain = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("redis-probe").daemon().factory());

    RedisAvailability(ReactiveRedisConnectionFactory redis, Settings settings, MeterRegistry meters) {
        this.redis = redis;
        this.timeout = settings.timeout();
        this.retryInterval = settings.retryInterval();
        meters.gauge("meridian.gateway.redis_available", down, isDown -> isDown.get() ? 0 : 1);
    }

    /** The bound on each Redis call. */
    public Duration timeout() {
        return timeout;
    }

    /** How often Redis is tried again while it fails. */
    public Duration retryInterval() {
        return retryInterval;
    }

    /** Runs {@code action} each time Redis answers again after failing. */
    public void whenAnsweringAgain(Runnable action) {
        whenAnsweringAgain.add(action);
    }

    /** False from a failure until the probe finds Redis answering again. */
    public boolean worthTrying() {
        return !down.get();
    }

    public void answered() {
        if (down.compareAndSet(true, false)) {
            log.info("Redis answers again: rate limits are global and the revocation list is read again");
            whenAnsweringAgain.forEach(Runnable::run);
        }
    }

    public void failed(Throwable cause) {
        if (down.compareAndSet(false, true)) {
            log.warn(
                    "Redis did not answer ({}): local rate-limit buckets decide and revocations are checked against"
                            + " the gateway's last copy of the list until it does",
                    cause.toString());
            probe.schedule(this::probe, retryInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** On the probe thread: the connection is (re)opened here, never on a request's. */
    private void probe() {
        try (var connection = redis.getReactiveConnection()) {
            connection.ping().block(retryInterval);
            answered();
        } catch (RuntimeException stillDown) {
            log.debug("Redis still does not answer: {}", stillDown.toString());
            probe.schedule(this::probe, retryInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void destroy() {
        probe.shutdownNow();
    }
}
