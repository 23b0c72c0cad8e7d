package dev.meridian.gateway.redis;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * Whether the gateway's Redis calls (rate limits, the revocation list) should be tried. Every call is bounded by
 * {@code timeout}; after one fails, Redis is skipped for {@code retryInterval} — callers decide without it — and then
 * tried again, so a Redis that hangs costs one timeout per interval, not one per request, and takes back over as soon
 * as it answers. Visible as {@code meridian_gateway_redis_available}.
 */
@Component
@EnableConfigurationProperties(RedisAvailability.Settings.class)
public class RedisAvailability {

    /** {@code meridian.gateway.redis}: how long a call may take, and how long Redis is skipped after a failure. */
    @ConfigurationProperties("meridian.gateway.redis")
    public record Settings(
            @DefaultValue("50ms") Duration timeout,
            @DefaultValue("1s") Duration retryInterval) {}

    private static final Logger log = LoggerFactory.getLogger(RedisAvailability.class);

    private final Duration timeout;
    private final long retryIntervalNanos;
    private final AtomicLong retryAt = new AtomicLong();
    private final AtomicBoolean down = new AtomicBoolean();

    RedisAvailability(Settings settings, MeterRegistry meters) {
        this.timeout = settings.timeout();
        this.retryIntervalNanos = settings.retryInterval().toNanos();
        meters.gauge("meridian.gateway.redis_available", down, isDown -> isDown.get() ? 0 : 1);
    }

    /** The bound on each Redis call. */
    public Duration timeout() {
        return timeout;
    }

    /** False while Redis is being skipped after a failure. */
    public boolean worthTrying() {
        return !down.get() || System.nanoTime() - retryAt.get() >= 0;
    }

    public void answered() {
        if (down.compareAndSet(true, false)) {
            log.info("Redis answers again: rate limits are global and the revocation list is read again");
        }
    }

    public void failed(Throwable cause) {
        retryAt.set(System.nanoTime() + retryIntervalNanos);
        if (down.compareAndSet(false, true)) {
            log.warn(
                    "Redis did not answer ({}): local rate-limit buckets decide and the revocation list is skipped"
                            + " until it does",
                    cause.toString());
        }
    }
}
