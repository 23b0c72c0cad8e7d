package dev.meridian.gateway.ratelimit;

import dev.meridian.gateway.security.VerifiedTokens;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A limit per client address in front of authentication (the {@code address} tier): requests the gateway has to do
 * work for before it knows who sent them — no token, a token it has not verified yet, a bad or forged one, one naming
 * an unknown key — count against their address, so a flood of them is refused with 429 before a signature is checked
 * or a key is looked up. A token this gateway already verified ({@link VerifiedTokens#remembers}) is let by: checking
 * it costs a map lookup, and its own buckets (per user, per client) limit it; that way users behind one address (a
 * NAT, an office) are not limited by one of them flooding with a valid token.
 */
@Component
class AddressRateLimit implements WebFilter, Ordered {

    private static final String TIER = "address";

    private final RateLimitAnswers answers;
    private final ClientKeys keys;
    private final VerifiedTokens verified;
    private final RateLimitSettings.Limit limit;
    private final boolean enabled;

    AddressRateLimit(RateLimitAnswers answers, ClientKeys keys, VerifiedTokens verified, RateLimitSettings settings) {
        this.answers = answers;
        this.keys = keys;
        this.verified = verified;
        this.limit = settings.tier(TIER);
        this.enabled = settings.enabled();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 3; // after the body-size check, before Spring Security (-100)
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!enabled || verified.remembers(bearer(exchange))) {
            return chain.filter(exchange);
        }
        var bucket = new RateLimitAnswers.Bucket("edge:" + TIER + ":" + keys.ip(exchange), limit);
        return answers.admit(exchange, "edge", RateLimitAnswers.NO_CLIENT, List.of(bucket))
                .flatMap(admitted -> admitted ? chain.filter(exchange) : Mono.empty());
    }

    private static String bearer(ServerWebExchange exchange) {
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return "";
        }
        return authorization.substring(7).trim();
    }
}
