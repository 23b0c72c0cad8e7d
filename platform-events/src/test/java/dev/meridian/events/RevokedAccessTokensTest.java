package dev.meridian.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RevokedAccessTokensTest {

    @Test
    void anAnnouncementReadsBackAsTheEntryItAnnounced() {
        var listed = new RevokedAccessTokens.Listed("4f1c-9a", Instant.ofEpochMilli(1_790_000_000_123L));

        assertThat(listed.text()).isEqualTo("4f1c-9a 1790000000123");
        assertThat(RevokedAccessTokens.Listed.parse(listed.text())).isEqualTo(listed);
    }

    @Test
    void textInAnyOtherShapeIsNotTakenForAnAnnouncement() {
        assertThatIllegalArgumentException().isThrownBy(() -> RevokedAccessTokens.Listed.parse("4f1c-9a"));
        assertThatIllegalArgumentException().isThrownBy(() -> RevokedAccessTokens.Listed.parse(" 1790000000123"));
        assertThatIllegalArgumentException().isThrownBy(() -> RevokedAccessTokens.Listed.parse("4f1c-9a soon"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RevokedAccessTokens.Listed("two words", Instant.EPOCH));
    }
}
