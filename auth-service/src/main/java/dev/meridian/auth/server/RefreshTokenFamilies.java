package dev.meridian.auth.server;

import dev.meridian.auth.sessions.SecurityEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Refresh-token reuse detection (OAuth 2.1, section 4.3.1) on top of the JDBC authorization store. Each
 * authorization is a token family: when rotation replaces its refresh token, the old one is remembered (hashed).
 * A remembered token presented again was stolen or leaked, so the family is revoked: its current refresh and access
 * tokens stop working, and the attempt is logged, counted ({@code meridian.auth.refresh_token_reuse}) and reported to
 * the user's audit log ({@link SecurityEvents}).
 */
class RefreshTokenFamilies implements OAuth2AuthorizationService {

    private static final Logger log = LoggerFactory.getLogger(RefreshTokenFamilies.class);

    private final OAuth2AuthorizationService store;
    private final JdbcClient jdbc;
    private final Duration remembered;
    private final Counter reuses;
    private final SecurityEvents events;

    RefreshTokenFamilies(
            OAuth2AuthorizationService store,
            JdbcClient jdbc,
            Duration remembered,
            MeterRegistry meters,
            SecurityEvents events) {
        this.store = store;
        this.jdbc = jdbc;
        this.remembered = remembered;
        this.events = events;
        this.reuses = Counter.builder("meridian.auth.refresh_token_reuse")
                .description("Rotated refresh tokens presented again; each revoked its token family")
                .register(meters);
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        // Only an authorization holding a refresh token can have rotated one (Spring Authorization Server never takes
        // a refresh token away), so client_credentials and code requests skip the look-up on their hot path.
        String current = refreshToken(authorization);
        String replaced = current == null ? null : refreshToken(store.findById(authorization.getId()));
        if (replaced != null && !replaced.equals(current)) {
            jdbc.sql("insert into superseded_refresh_token (token_hash, authorization_id) values (?, ?)"
                            + " on conflict do nothing")
                    .params(hash(replaced), authorization.getId())
                    .update();
            jdbc.sql("delete from superseded_refresh_token where superseded_at < ?")
                    .param(Timestamp.from(Instant.now().minus(remembered)))
                    .update();
        }
        store.save(authorization);
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        store.remove(authorization);
        jdbc.sql("delete from superseded_refresh_token where authorization_id = ?")
                .param(authorization.getId())
                .update();
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return store.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        OAuth2Authorization found = store.findByToken(token, tokenType);
        if (found == null && (tokenType == null || OAuth2TokenType.REFRESH_TOKEN.equals(tokenType))) {
            jdbc.sql("select authorization_id from superseded_refresh_token where token_hash = ?")
                    .param(hash(token))
                    .query(String.class)
                    .optional()
                    .map(store::findById)
                    .ifPresent(this::revokeFamily);
        }
        return found;
    }

    private void revokeFamily(OAuth2Authorization family) {
        remove(family);
        reuses.increment();
        log.warn(
                "A rotated refresh token of client {} for {} was presented again: token family {} revoked",
                family.getRegisteredClientId(),
                family.getPrincipalName(),
                family.getId());
        events.refreshTokenReused(family);
    }

    private static String refreshToken(OAuth2Authorization authorization) {
        return authorization == null || authorization.getRefreshToken() == null
                ? null
                : authorization.getRefreshToken().getToken().getTokenValue();
    }

    private static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
