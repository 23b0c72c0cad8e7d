package dev.meridian.gateway.ratelimit;

import java.util.concurrent.TimeUnit;

/**
 * Tokens one gateway instance took from a key's shared bucket in Redis ahead of its requests, so that a busy key costs
 * one Redis call per lease instead of one per request while its bucket stays global.
 *
 * <p>A lease is sized to what the key used on this instance over the last lease: enough for {@code leaseTime} at that
 * pace, at most twice the last one, at most {@code maxTokens} (rate × lease time, {@link RateLimitSettings#maxLease})
 * — so a key sending one request now and then asks Redis for one token each time, as without leases, and what an
 * instance can hold back from the others is bounded. Tokens not spent within {@link #HELD_AT_MOST} are dropped: they
 * were taken from the bucket, so an instance never admits more than the bucket allowed, only briefly less.
 *
 * <p>A refusal is remembered until the bucket holds a token again (Redis says when): nothing can be admitted before,
 * so a client flooding the gateway costs Redis nothing in between.
 */
final class Lease {

    /** How long leased tokens may be spent: far longer than a lease lasts at the pace it was sized for. */
    static final long HELD_AT_MOST = TimeUnit.SECONDS.toNanos(1);

    private final long leaseTime;
    private long tokens;
    // The last lease's size, this request's token included: with what is left, the pace the key is used at here.
    private long leased;
    private long leasedAt;
    private long remainingInBucket;
    private long refusedUntil;
    private boolean asking;

    Lease(long leaseTimeNanos, long now) {
        this.leaseTime = leaseTimeNanos;
        this.leasedAt = now;
        this.refusedUntil = now;
    }

    /** A decision without Redis: a leased token, or the refusal Redis gave until the bucket refills; else null. */
    synchronized TokenBuckets.Decision take(long now) {
        if (tokens > 0 && now - leasedAt < HELD_AT_MOST) {
            tokens--;
            return allowed();
        }
        if (now - refusedUntil < 0) {
            long waitMillis = TimeUnit.NANOSECONDS.toMillis(refusedUntil - now + 999_999);
            return new TokenBuckets.Decision(false, 0, waitMillis, TokenBuckets.Store.REDIS);
        }
        return null;
    }

    /**
     * How many tokens to ask Redis for: the next lease's size, or 0 while another request is already asking for one
     * (this request then asks for its own token only). Whoever gets a size must report back through
     * {@link #granted} or {@link #notGranted}.
     */
    synchronized int sizeToAsk(long now, long maxTokens) {
        if (asking) {
            return 0;
        }
        asking = true;
        long used = leased - tokens;
        long elapsed = Math.max(1, now - leasedAt);
        long atThisPace = (long) Math.ceil((double) used * leaseTime / elapsed);
        tokens = 0;
        return (int) Math.max(1, Math.min(maxTokens, Math.min(atThisPace, 2 * leased)));
    }

    /**
     * Redis's answer to a request that asked for {@code asked} tokens (0: its own token only, see
     * {@link #sizeToAsk}): the request takes one of the {@code granted}, the rest are leased; none granted refuses it
     * for {@code waitMillis}.
     */
    synchronized TokenBuckets.Decision granted(int asked, long granted, long remaining, long waitMillis, long now) {
        if (asked > 0) {
            asking = false;
            leased = granted;
            tokens += Math.max(0, granted - 1);
            leasedAt = now;
        }
        remainingInBucket = remaining;
        if (granted == 0) {
            refusedUntil = now + TimeUnit.MILLISECONDS.toNanos(waitMillis);
            return new TokenBuckets.Decision(false, 0, waitMillis, TokenBuckets.Store.REDIS);
        }
        return allowed();
    }

    /** Redis did not answer a request that asked for a lease: the next one asks again. */
    synchronized void notGranted(int asked) {
        if (asked > 0) {
            asking = false;
        }
    }

    private TokenBuckets.Decision allowed() {
        return new TokenBuckets.Decision(true, remainingInBucket + tokens, 0, TokenBuckets.Store.REDIS);
    }
}
