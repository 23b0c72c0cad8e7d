package dev.meridian.gateway.ratelimit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Token-bucket limits: {@code tiers} are named limits a route picks ({@code ClientRateLimit=<tier>,<key>}),
 * {@code clients} override the tier for one client id (partners with a contract, say) on client-keyed routes.
 * {@code enabled=false} switches limiting off (benchmarks compare with and without it). {@code leaseTime}: a busy key
 * takes up to that long's worth of its rate from Redis at once ({@link Lease}); zero asks Redis for every request.
 */
@ConfigurationProperties("meridian.gateway.rate-limits")
@Validated
public record RateLimitSettings(
        @NotEmpty Map<String, @Valid Limit> tiers,
        @DefaultValue Map<String, @Valid Limit> clients,
        @DefaultValue("true") boolean enabled,
        @DefaultValue("100000") @Positive int localBuckets,
        @DefaultValue("50ms") Duration leaseTime) {

    /** {@code replenishRate} requests per second on average, up to {@code burstCapacity} at once. */
    public record Limit(
            @Positive int replenishRate, @Positive int burstCapacity) {}

    /** The most tokens an instance leases for a key at once: {@code leaseTime} at its rate, at least one. */
    long maxLease(Limit limit) {
        long atRate = (long) (leaseTime.toNanos() / 1e9 * limit.replenishRate());
        return Math.max(1, Math.min(limit.burstCapacity(), atRate));
    }

    Limit tier(String name) {
        Limit limit = tiers.get(name);
        if (limit == null) {
            throw new IllegalArgumentException(
                    "No rate-limit tier '" + name + "' in meridian.gateway.rate-limits.tiers " + tiers.keySet());
        }
        return limit;
    }
}
