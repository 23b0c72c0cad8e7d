package dev.meridian.gateway.ratelimit;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code ClientRateLimit=<tier>,<token|ip|basic>[,<users tier>]}: token buckets per route and key ({@link ClientKeys}),
 * shared by all gateway instances through Redis ({@link TokenBuckets}). With {@code token}, a user's token takes from
 * its own bucket (the tier) and from the bucket of all users of its client ({@code users tier}, default
 * {@code client-users}); a client's own token from the client's bucket; both client buckets use the client's entry
 * under {@code meridian.gateway.rate-limits.clients} if it has one. Every answer carries {@code X-RateLimit-Remaining},
 * {@code X-RateLimit-Replenish-Rate} and {@code X-RateLimit-Burst-Capacity}; a refused request gets a 429 problem with
 * {@code Retry-After} ({@link RateLimitAnswers}). (Spring Cloud Gateway's {@code RequestRateLimiter} with
 * {@code RedisRateLimiter} does the same bucket, but admits everything when Redis fails, counts Redis time in whole
 * seconds and answers 429 with an empty body.)
 */
@Component
@EnableConfigurationProperties(RateLimitSettings.class)
public class ClientRateLimitGatewayFilterFactory
        extends AbstractGatewayFilterFactory<ClientRateLimitGatewayFilterFactory.Config> {

    /** The exchange attribute holding the key a request was counted against, for the access log. */
    public static final String CLIENT_KEY_ATTRIBUTE = "meridian.rateLimit.key";

    private final RateLimitAnswers answers;
    private final ClientKeys keys;
    private final RateLimitSettings settings;

    ClientRateLimitGatewayFilterFactory(RateLimitAnswers answers, ClientKeys keys, RateLimitSettings settings) {
        super(Config.class);
        this.answers = answers;
        this.keys = keys;
        this.settings = settings;
    }

    /**
     * {@code tier}: a name under {@code meridian.gateway.rate-limits.tiers}; {@code key}: token, ip or basic;
     * {@code usersTier}: the tier of all users of one client together (key {@code token}).
     */
    public static class Config {
        private String tier = "default";
        private String key = "token";
        private String usersTier = "client-users";

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

        public String getUsersTier() {
            return usersTier;
        }

        public void setUsersTier(String usersTier) {
            this.usersTier = usersTier;
        }
    }

    @Override
    public List<String> shortcutFieldOrder() {
        return List.of("tier", "key", "usersTier");
    }

    @Override
    public GatewayFilter apply(Config config) {
        RateLimitSettings.Limit tierLimit = settings.tier(config.getTier());
        if (!settings.enabled()) {
            return (exchange, chain) -> chain.filter(exchange);
        }
        ClientKeys.KeyBy keyBy = ClientKeys.KeyBy.valueOf(config.getKey().toUpperCase(Locale.ROOT));
        RateLimitSettings.Limit usersLimit =
                keyBy == ClientKeys.KeyBy.TOKEN ? settings.tier(config.getUsersTier()) : tierLimit;
        return (exchange, chain) -> keys.keysOf(exchange, keyBy).flatMap(requestKeys -> {
            Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
            String routeId = route == null ? "none" : route.getId();
            exchange.getAttributes()
                    .putIfAbsent(CLIENT_KEY_ATTRIBUTE, requestKeys.getFirst().value());
            List<RateLimitAnswers.Bucket> buckets = requestKeys.stream()
                    .map(key -> new RateLimitAnswers.Bucket(
                            routeId + ":" + tierOf(config, key) + ":" + key.value(),
                            switch (key.kind()) {
                                case OWN -> tierLimit;
                                case CLIENT -> settings.clients().getOrDefault(key.client(), tierLimit);
                                case USERS_OF_CLIENT -> settings.clients().getOrDefault(key.client(), usersLimit);
                            }))
                    .toList();
            String client = requestKeys.stream()
                    .map(ClientKeys.Key::client)
                    .filter(Objects::nonNull)
                    .findFirst()
                    .orElse(RateLimitAnswers.NO_CLIENT);
            return answers.admit(exchange, routeId, client, buckets)
                    .flatMap(admitted -> admitted ? chain.filter(exchange) : Mono.empty());
        });
    }

    private static String tierOf(Config config, ClientKeys.Key key) {
        return key.kind() == ClientKeys.Kind.USERS_OF_CLIENT ? config.getUsersTier() : config.getTier();
    }
}
