package dev.meridian.user.password;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;

/**
 * The login throttle's counters in this instance's memory, for while Redis cannot be reached: the same rules, the
 * same keys, counted by this instance alone ({@link LoginThrottle}). Bounded in size, so that an outage spent spraying
 * addresses cannot exhaust the heap; the oldest counters go first.
 */
final class LocalLoginThrottle {

    /** One key's failures within its window and its lock, as epoch milliseconds. */
    private record State(int failures, long windowEndsAt, long lockedUntil) {}

    private final Clock clock;
    private final Cache<String, State> states;

    LocalLoginThrottle(Clock clock, long maximumKeys, Duration longestKept) {
        this.clock = clock;
        this.states = Caffeine.newBuilder()
                .maximumSize(maximumKeys)
                .expireAfterWrite(longestKept)
                .ticker(() -> clock.millis() * 1_000_000L)
                .executor(Runnable::run)
                .build();
    }

    /** The longest remaining lock among {@code keys}, in milliseconds; 0 when none is locked. */
    long lockedFor(Collection<String> keys) {
        long now = clock.millis();
        long longest = 0;
        for (String key : keys) {
            State state = states.getIfPresent(key);
            if (state != null) {
                longest = Math.max(longest, state.lockedUntil() - now);
            }
        }
        return longest;
    }

    /** A failure against {@code key}, under {@code rule}: what Redis's script does, in memory. */
    void failed(String key, LoginThrottle.Rule rule) {
        long now = clock.millis();
        states.asMap().compute(key, (k, state) -> {
            boolean current = state != null && state.windowEndsAt() > now;
            int failures = current ? state.failures() + 1 : 1;
            long lockedUntil = state != null ? state.lockedUntil() : 0;
            if (failures >= rule.freeFailures()) {
                double lock = Math.min(
                        rule.firstLock().toMillis() * Math.pow(2, Math.min(failures - rule.freeFailures(), 30)),
                        rule.maxLock().toMillis());
                lockedUntil = now + (long) lock;
            }
            return new State(failures, now + rule.window().toMillis(), lockedUntil);
        });
    }

    /** Forgets {@code key}'s failures; a lock it holds runs out by itself, as in Redis. */
    void clearFailures(String key) {
        states.asMap()
                .computeIfPresent(
                        key,
                        (k, state) -> state.lockedUntil() > clock.millis()
                                ? new State(0, state.windowEndsAt(), state.lockedUntil())
                                : null);
    }

    /** Forgets {@code key}'s failures and lock. */
    void forget(String key) {
        states.invalidate(key);
    }
}
