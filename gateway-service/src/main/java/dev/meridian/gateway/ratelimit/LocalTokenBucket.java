package dev.meridian.gateway.ratelimit;

/** The same bucket as {@code scripts/token_bucket.lua}, in memory, for when Redis cannot be asked. */
final class LocalTokenBucket {

    private double tokens;
    private long countedAt;

    LocalTokenBucket(int tokens, long now) {
        this.tokens = tokens;
        this.countedAt = now;
    }

    synchronized TokenBuckets.Decision take(RateLimitSettings.Limit limit, long nowNanos) {
        double elapsed = Math.max(0, nowNanos - countedAt) / 1e9;
        tokens = Math.min(limit.burstCapacity(), tokens + elapsed * limit.replenishRate());
        countedAt = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return new TokenBuckets.Decision(true, (long) tokens, 0, TokenBuckets.Store.LOCAL);
        }
        long waitMillis = (long) Math.ceil((1 - tokens) / limit.replenishRate() * 1000);
        return new TokenBuckets.Decision(false, 0, waitMillis, TokenBuckets.Store.LOCAL);
    }
}
