package dev.meridian.starters.accesstoken;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.events.RevokedAccessTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevocationListTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T20:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RevocationList copy = new RevocationList(clock, meters, Duration.ofSeconds(45));

    @Test
    void beforeAnyCompleteReadNoTokenIsKnownAndEveryUnknownOneIsRefused() {
        assertThat(copy.status("jti-1")).isEqualTo(RevocationList.Status.UNKNOWN);
        assertThat(copy.admitUnknown()).isFalse();
        assertThat(copy.admitUnknown()).isFalse();
        assertThat(unknown("refused")).isEqualTo(2);
    }

    @Test
    void aReadBeforeTheSubscriptionWasConfirmedDoesNotMakeTheCopyComplete() {
        copy.read(Map.of(), clock.instant());
        clock.advance(Duration.ofMillis(5));
        copy.subscribed(clock.instant());

        assertThat(copy.complete()).isFalse();
        assertThat(copy.status("jti-1")).isEqualTo(RevocationList.Status.UNKNOWN);

        clock.advance(Duration.ofMillis(5));
        copy.read(Map.of(), clock.instant());
        assertThat(copy.complete()).isTrue();
        assertThat(copy.status("jti-1")).isEqualTo(RevocationList.Status.NOT_REVOKED);
    }

    @Test
    void listedTokensAreRefusedUntilTheirListedUntilTimeWhateverTheState() {
        complete();
        copy.heard(new RevokedAccessTokens.Listed("jti-1", clock.instant().plusSeconds(60)).text());
        copy.redisFailed();

        assertThat(copy.status("jti-1")).isEqualTo(RevocationList.Status.REVOKED);
        clock.advance(Duration.ofSeconds(61));
        assertThat(copy.status("jti-1")).isEqualTo(RevocationList.Status.UNKNOWN);
    }

    @Test
    void whenRedisFailsTheCopyJudgesAloneForMaxStalenessAfterItWasLastCompleteThenRefuses() {
        complete();
        clock.advance(Duration.ofSeconds(20)); // announcements kept it complete since the read
        Instant lost = clock.instant();
        copy.redisFailed();

        assertThat(copy.complete()).isFalse();
        assertThat(copy.worthAskingRedis()).isFalse();
        assertThat(copy.currentUntil()).isEqualTo(lost);
        assertThat(copy.status("any")).isEqualTo(RevocationList.Status.UNKNOWN);
        assertThat(copy.admitUnknown()).isTrue();
        clock.advance(Duration.ofSeconds(45));
        assertThat(copy.admitUnknown()).as("exactly max-staleness old").isTrue();
        assertThat(meters.get("meridian.revocation_list.staleness_seconds")
                        .gauge()
                        .value())
                .isEqualTo(45);

        clock.advance(Duration.ofMillis(1));
        assertThat(copy.admitUnknown()).as("older than max-staleness").isFalse();
        assertThat(unknown("admitted")).isEqualTo(2);
        assertThat(unknown("refused")).isEqualTo(1);
    }

    @Test
    void aStaleCopyStillRefusesWhatItHolds() {
        complete();
        copy.heard(new RevokedAccessTokens.Listed("revoked", clock.instant().plusSeconds(600)).text());
        copy.redisFailed();
        clock.advance(Duration.ofSeconds(10));

        assertThat(copy.status("revoked")).isEqualTo(RevocationList.Status.REVOKED);
        assertThat(copy.admitUnknown()).isTrue();
    }

    @Test
    void aFailureWhileIncompleteDoesNotMoveTheCopysAgeForward() {
        complete();
        Instant lost = clock.instant();
        copy.unsubscribed();
        clock.advance(Duration.ofSeconds(30));
        copy.redisFailed();

        assertThat(copy.currentUntil()).isEqualTo(lost);
        clock.advance(Duration.ofSeconds(16));
        assertThat(copy.admitUnknown()).isFalse();
    }

    @Test
    void afterRedisFailedTheCopyIsCompleteOnlyOnceANewSubscriptionIsConfirmedAndTheListReadAfterIt() {
        complete();
        copy.redisFailed();
        clock.advance(Duration.ofSeconds(1));
        copy.read(Map.of(), clock.instant());

        assertThat(copy.worthAskingRedis()).isTrue();
        assertThat(copy.complete())
                .as("still subscribed as far as the client says, but maybe deaf")
                .isFalse();

        clock.advance(Duration.ofSeconds(1));
        copy.subscribed(clock.instant());
        copy.read(Map.of(), clock.instant());
        assertThat(copy.complete()).isTrue();
    }

    @Test
    void aReadMergesWithAnnouncementsHeardMeanwhileAndDropsEntriesPastTheirTime() {
        copy.heard(new RevokedAccessTokens.Listed("announced", clock.instant().plusSeconds(60)).text());
        copy.heard(new RevokedAccessTokens.Listed("expired", clock.instant().plusSeconds(1)).text());
        clock.advance(Duration.ofSeconds(2));
        copy.subscribed(clock.instant());
        copy.read(Map.of("read", clock.millis() + 60_000), clock.instant());

        assertThat(copy.status("announced")).isEqualTo(RevocationList.Status.REVOKED);
        assertThat(copy.status("read")).isEqualTo(RevocationList.Status.REVOKED);
        assertThat(copy.status("expired")).isEqualTo(RevocationList.Status.NOT_REVOKED);
        assertThat(meters.get("meridian.revocation_list.size").gauge().value()).isEqualTo(2);
    }

    @Test
    void anUnreadableAnnouncementIsIgnored() {
        copy.heard("no-until");
        copy.heard("jti not-a-number");
        complete();

        assertThat(meters.get("meridian.revocation_list.size").gauge().value()).isZero();
    }

    @Test
    void aLookedUpEntryIsKeptAndAnswersWhetherTheTokenIsRevokedNow() {
        assertThat(copy.lookedUp("gone", (double) clock.millis() - 1)).isFalse();
        assertThat(copy.lookedUp("not-listed", null)).isFalse();
        assertThat(copy.lookedUp("listed", (double) clock.millis() + 60_000)).isTrue();

        assertThat(copy.status("listed")).isEqualTo(RevocationList.Status.REVOKED);
    }

    private void complete() {
        copy.subscribed(clock.instant());
        copy.read(Map.of(), clock.instant());
        assertThat(copy.complete()).isTrue();
    }

    private double unknown(String decision) {
        return meters.get("meridian.revocation_list.unknown")
                .tag("decision", decision)
                .counter()
                .count();
    }

    static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
