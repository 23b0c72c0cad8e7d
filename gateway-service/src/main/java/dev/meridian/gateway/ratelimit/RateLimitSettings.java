package dev.meridian.gateway.ratelimit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Positive;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Token-bucket limits: {@code tiers} are named limits a route picks ({@code ClientRateLimit=<tier>,<key>}),
 * {@code clients} override the tier for one client id (partners with a contract, say) on client-keyed routes.
 * {@code enabled=false} switches limiting off (benchmarks compare with and without it).
 */
@ConfigurationProperties("meridian.gateway.rate-limits")
@Validated
public record RateLimitSettings(
        @NotEmpty Map<String, @Valid Limit> tiers,
        @DefaultValue Map<String, @Valid Limit> clients,
        @DefaultValue("true") boolean enabled,
        @DefaultValue("100000") @Positive int localBuckets) {

    /** {@code replenishRate} requests per second on average, up to {@code burstCapacity} at once. */
    public record Limit(
            @Positive int replenishRate, @Positive int burstCapacity) {}

    Limit tier(String name) {
        Limit limit = tiers.get(name);
        if (limit == null) {
            throw new IllegalArgumentException(
                    "No rate-limit tier '" + name + "' in meridian.gateway.rate-limits.tiers " + tiers.keySet());
        }
        return limit;
    }
}
