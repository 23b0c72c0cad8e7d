package dev.meridian.starters.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.testkit.TokenIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestTemplate;

/**
 * A decoder whose keys must be fetched again (its own cache has expired: a fresh decoder here) while the issuer is
 * down, against a real JWKS server that is stopped.
 */
class LastKnownKeysTest {

    /** A clock the test moves: the tolerance is a day, which no test waits for. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-03T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final TokenIssuer issuer = TokenIssuer.start("http://issuer.test");
    private final MovableClock clock = new MovableClock();

    @Test
    void tokensSignedWithKnownKeysKeepPassingWhileTheIssuerIsDown() {
        var client = client(new LastKnownKeys(Duration.ofHours(24), clock));
        String token = issuer.sign(issuer.claims("ada", "user-service").build());
        assertThat(decoder(client).decode(token).getSubject()).isEqualTo("ada");

        issuer.stopServingKeys();
        clock.advance(Duration.ofHours(1));

        assertThat(decoder(client).decode(token).getSubject()).isEqualTo("ada");
    }

    @Test
    void beyondTheToleranceTheOutageIsNoLongerBridged() {
        var client = client(new LastKnownKeys(Duration.ofHours(24), clock));
        String token = issuer.sign(issuer.claims("ada", "user-service").build());
        decoder(client).decode(token);

        issuer.stopServingKeys();
        clock.advance(Duration.ofHours(25));

        assertThatThrownBy(() -> decoder(client).decode(token)).isInstanceOf(JwtException.class);
    }

    @Test
    void withoutKeysFetchedBeforeOrWithAToleranceOfZeroTheIssuersOutageIsTheDecodersFailure() {
        String token = issuer.sign(issuer.claims("ada", "user-service").build());
        var none = client(new LastKnownKeys(Duration.ZERO, clock));
        decoder(none).decode(token);
        var neverFetched = client(new LastKnownKeys(Duration.ofHours(24), clock));

        issuer.stopServingKeys();

        assertThatThrownBy(() -> decoder(none).decode(token)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decoder(neverFetched).decode(token)).isInstanceOf(JwtException.class);
    }

    private static RestTemplate client(LastKnownKeys keys) {
        var client = new RestTemplate();
        client.setInterceptors(List.of(keys));
        return client;
    }

    /** The signature is what is tested; the services' claim checks (typ at+jwt among them) are beside the point. */
    private JwtDecoder decoder(RestTemplate client) {
        var decoder = NimbusJwtDecoder.withJwkSetUri(issuer.jwkSetUri())
                .restOperations(client)
                .validateType(false)
                .build();
        decoder.setJwtValidator(new JwtTimestampValidator());
        return decoder;
    }
}
