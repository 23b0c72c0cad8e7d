package dev.meridian.gateway.ratelimit;

import dev.meridian.gateway.problem.ProblemResponses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * {@code ClientRateLimit=<tier>,<client|ip|basic>}: a token bucket per route and key ({@link ClientKeys}), shared by
 * all gateway instances through Redis ({@link TokenBuckets}). Every answer carries {@code X-RateLimit-Remaining},
 * {@code X-RateLimit-Replenish-Rate} and {@code X-RateLimit-Burst-Capacity}; a refused request gets a 429 problem
 * with {@code Retry-After}. (Spring Cloud Gateway's {@code RequestRateLimiter} with {@code RedisRateLimiter} does
 * the same bucket, but admits everything when Redis fails, counts Redis time in whole seconds and answers 429 with
 * an empty body.)
 */
@Component
@EnableConfigurationProperties(RateLimitSettings.class)
public class ClientRateLimitGatewayFilterFactory
        extends AbstractGatewayFilterFactory<ClientRateLimitGatewayFilterFactory.Config> {

    /** The exchange attribute holding the key a request was counted against, for the access log. */
    public static final String CLIENT_KEY_ATTRIBUTE = "meridian.rateLimit.key";

    private final TokenBuckets buckets;
    private final ClientKeys keys;
    private final RateLimitSettings settings;
    private final MeterRegistry meters;
    private final Map<DecisionKind, Counter> decisions = new ConcurrentHashMap<>();

    public ClientRateLimitGatewayFilterFactory(
            TokenBuckets buckets, ClientKeys keys, RateLimitSettings settings, MeterRegistry meters) {
        super(Config.class);
        this.buckets = buckets;
        this.keys = keys;
        this.settings = settings;
        this.meters = meters;
    }

    /** {@code tier}: a name under {@code meridian.gateway.rate-limits.tiers}; {@code key}: client, ip or basic. */
    public static class Config {
        private String tier = "default";
        private String key = "client";

        public String getTier() {
            return tier;
        }

        public void setTier(String tier) {
            this.tier = tier;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("tier", "key");
    }

    @Override
    public GatewayFilter apply(Config config) {
        RateLimitSettings.Limit tierLimit = settings.tier(config.getTier());
        if (!settings.enabled()) {
            return (exchange, chain) -> chain.filter(exchange);
        }
        ClientKeys.KeyBy keyBy = ClientKeys.KeyBy.valueOf(config.getKey().toUpperCase(Locale.ROOT));
        return (exchange, chain) -> keys.keyOf(exchange, keyBy).flatMap(key -> {
            Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
            String routeId = route == null ? "none" : route.getId();
            RateLimitSettings.Limit limit = keyBy == ClientKeys.KeyBy.CLIENT && key.startsWith("client:")
                    ? settings.clients().getOrDefault(key.substring("client:".length()), tierLimit)
                    : tierLimit;
            exchange.getAttributes().putIfAbsent(CLIENT_KEY_ATTRIBUTE, key);
            return buckets.take(routeId + ":" + config.getTier() + ":" + key, limit)
                    .flatMap(decision -> {
                        count(routeId, decision);
                        HttpHeaders headers = exchange.getResponse().getHeaders();
                        headers.set("X-RateLimit-Remaining", Long.toString(decision.remaining()));
                        headers.set("X-RateLimit-Replenish-Rate", Integer.toString(limit.replenishRate()));
                        headers.set("X-RateLimit-Burst-Capacity", Integer.toString(limit.burstCapacity()));
                        if (decision.allowed()) {
                            return chain.filter(exchange);
                        }
                        headers.set(
                                HttpHeaders.RETRY_AFTER,
                                Long.toString(Math.max(1, (decision.retryAfterMillis() + 999) / 1000)));
                        return ProblemResponses.write(
                                exchange,
                                HttpStatus.TOO_MANY_REQUESTS,
                                "Rate limit reached: " + limit.replenishRate() + " requests per second, bursts of "
                                        + limit.burstCapacity() + "; retry after the time in Retry-After");
                    });
        });
    }

    private void count(String routeId, TokenBuckets.Decision decision) {
        decisions
                .computeIfAbsent(
                        new DecisionKind(routeId, decision.allowed(), decision.store()),
                        kind -> Counter.builder("meridian.gateway.rate_limit")
                                .description("Rate-limit decisions per route, by outcome and by the store that decided")
                                .tag("route", kind.routeId())
                                .tag("outcome", kind.allowed() ? "allowed" : "limited")
                                .tag("store", kind.store().name().toLowerCase(Locale.ROOT))
                                .register(meters))
                .increment();
    }

    /** One counter each, looked up per request without building a meter id. */
    private record DecisionKind(String routeId, boolean allowed, TokenBuckets.Store store) {}
}
