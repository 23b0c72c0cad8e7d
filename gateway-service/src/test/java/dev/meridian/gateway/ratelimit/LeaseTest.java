package dev.meridian.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeaseTest {

    private static final long LEASE_TIME = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long now = TimeUnit.HOURS.toNanos(1);
    private final Lease lease = new Lease(LEASE_TIME, now);

    @Test
    void aKeyUsedNowAndThenAsksRedisForOneTokenPerRequest() {
        for (int i = 0; i < 5; i++) {
            assertThat(lease.take(now)).isNull();
            assertThat(lease.sizeToAsk(now, 100)).isEqualTo(1);
            assertThat(lease.granted(1, 1, 50, 0, now).allowed()).isTrue();
            now += 500 * MS;
        }
    }

    @Test
    void aBusyKeyLeasesWhatItUsesInTheLeaseTimeGrowingAtMostTwofoldUpToTheMaximum() {
        // 1,000 requests a second here: 50 in a lease time, capped at 20.
        assertThat(askAndSpendAll(100, 1)).isEqualTo(1);
        assertThat(askAndSpendAll(100, 1)).isEqualTo(2);
        assertThat(askAndSpendAll(100, 1)).isEqualTo(4);
        assertThat(askAndSpendAll(100, 1)).isEqualTo(8);
        assertThat(askAndSpendAll(20, 1)).isEqualTo(16);
        assertThat(askAndSpendAll(20, 1)).isEqualTo(20);
        assertThat(askAndSpendAll(20, 1)).isEqualTo(20);
    }

    @Test
    void aLeaseShrinksWhenTheKeySlowsDown() {
        for (int i = 0; i < 6; i++) {
            askAndSpendAll(100, 1);
        }
        // One request every 10 ms now: 5 in a lease time.
        askAndSpendAll(100, 10);
        assertThat(lease.sizeToAsk(now, 100)).isEqualTo(5);
    }

    @Test
    void leasedTokensAreSpentBeforeRedisIsAskedAgainAndReportedAsRemaining() {
        assertThat(lease.take(now)).isNull();
        lease.sizeToAsk(now, 100);
        assertThat(lease.granted(1, 1, 50, 0, now).remaining()).isEqualTo(50);
        now += MS;
        lease.take(now);
        assertThat(lease.sizeToAsk(now, 100)).isEqualTo(2);
        assertThat(lease.granted(2, 2, 48, 0, now).remaining()).isEqualTo(49);

        var leased = lease.take(now);
        assertThat(leased.allowed()).isTrue();
        assertThat(leased.remaining()).isEqualTo(48);
        assertThat(lease.take(now)).as("the lease is spent").isNull();
    }

    @Test
    void leasedTokensNotSpentWithinASecondAreDropped() {
        lease.sizeToAsk(now, 100);
        lease.granted(10, 10, 0, 0, now);

        now += Lease.HELD_AT_MOST;

        assertThat(lease.take(now)).isNull();
        assertThat(lease.sizeToAsk(now, 100))
                .as("nine of ten unused: the next lease is small")
                .isEqualTo(1);
    }

    @Test
    void aRefusalIsRememberedUntilTheBucketHoldsATokenAgain() {
        lease.sizeToAsk(now, 100);
        var refused = lease.granted(5, 0, 0, 120, now);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMillis()).isEqualTo(120);

        now += 100 * MS;
        var remembered = lease.take(now);
        assertThat(remembered.allowed()).isFalse();
        assertThat(remembered.retryAfterMillis()).isEqualTo(20);

        now += 20 * MS;
        assertThat(lease.take(now)).as("Redis is asked again").isNull();
        assertThat(lease.sizeToAsk(now, 100))
                .as("a refused key leases from one again")
                .isEqualTo(1);
    }

    @Test
    void whileOneRequestAsksForALeaseOthersAskForTheirOwnTokenOnly() {
        assertThat(lease.sizeToAsk(now, 100)).isEqualTo(1);
        assertThat(lease.sizeToAsk(now, 100)).isZero();
        assertThat(lease.granted(0, 1, 10, 0, now).allowed()).isTrue();

        lease.notGranted(1);

        assertThat(lease.sizeToAsk(now, 100))
                .as("a failed or cancelled ask frees the next")
                .isEqualTo(1);
    }

    @Test
    void aLeaseIsAtMostTheLeaseTimesWorthOfTheRateAndAtLeastOneToken() {
        var settings = new RateLimitSettings(Map.of(), Map.of(), true, 10, Duration.ofMillis(50));

        assertThat(settings.maxLease(new RateLimitSettings.Limit(100, 200))).isEqualTo(5);
        assertThat(settings.maxLease(new RateLimitSettings.Limit(2, 10)))
                .as("the login tier")
                .isEqualTo(1);
        assertThat(settings.maxLease(new RateLimitSettings.Limit(10_000, 20)))
                .as("never above the burst")
                .isEqualTo(20);
        assertThat(new RateLimitSettings(Map.of(), Map.of(), true, 10, Duration.ZERO)
                        .maxLease(new RateLimitSettings.Limit(10_000, 20000)))
                .as("no leases")
                .isEqualTo(1);
    }

    /** Asks for a lease, gets all of it, spends it one request every {@code everyMillis}; returns its size. */
    private int askAndSpendAll(long max, long everyMillis) {
        assertThat(lease.take(now)).isNull();
        int size = lease.sizeToAsk(now, max);
        assertThat(lease.granted(size, size, 1_000, 0, now).allowed()).isTrue();
        for (int spent = 1; spent < size; spent++) {
            now += everyMillis * MS;
            assertThat(lease.take(now).allowed()).isTrue();
        }
        now += everyMillis * MS;
        return size;
    }
}
