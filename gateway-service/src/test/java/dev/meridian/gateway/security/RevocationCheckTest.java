package dev.meridian.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RevocationCheckTest {

    private static final Instant CURRENT_UNTIL = Instant.parse("2026-12-03T17:00:00Z");
    private static final Duration MAX_STALENESS = Duration.ofSeconds(60);

    @Test
    void aCopyNeverReadNeverJudgesAlone() {
        assertThat(RevocationCheck.freshEnough(null, CURRENT_UNTIL, MAX_STALENESS))
                .isFalse();
    }

    @Test
    void aCopyJudgesAloneUpToMaxStalenessAfterItWasLastCurrent() {
        assertThat(RevocationCheck.freshEnough(CURRENT_UNTIL, CURRENT_UNTIL.plusSeconds(1), MAX_STALENESS))
                .isTrue();
        assertThat(RevocationCheck.freshEnough(CURRENT_UNTIL, CURRENT_UNTIL.plus(MAX_STALENESS), MAX_STALENESS))
                .isTrue();
    }

    @Test
    void aCopyOlderThanMaxStalenessRefuses() {
        assertThat(RevocationCheck.freshEnough(
                        CURRENT_UNTIL, CURRENT_UNTIL.plus(MAX_STALENESS).plusMillis(1), MAX_STALENESS))
                .isFalse();
    }
}
