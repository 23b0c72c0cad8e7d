package dev.meridian.auth.server;

import dev.meridian.events.RevokedAccessTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Publishes every access token this server stops honouring before it expires (RFC 7009 revocation, logout, a
 * token family revoked for refresh-token reuse) on the {@link RevokedAccessTokens revocation list} in Redis, and
 * announces it on the list's channel, so that the gateway refuses it at once without asking this server per request.
 * Each entry is listed for as long as a validator could still accept the token (its remaining life plus
 * {@link RevokedAccessTokens#KEPT_PAST_EXPIRY}). The authorization store stays the source of truth (introspection and
 * {@code /userinfo} read it): if Redis cannot be written, the revocation still holds here, the failure is logged and
 * counted ({@code meridian.auth.revocation_list.failures}), and the gateway honours the token until it expires.
 */
class RevocationList implements OAuth2AuthorizationService {

    private static final Logger log = LoggerFactory.getLogger(RevocationList.class);

    private final OAuth2AuthorizationService store;
    private final StringRedisTemplate redis;
    private final Counter listed;
    private final Counter failures;

    RevocationList(OAuth2AuthorizationService store, StringRedisTemplate redis, MeterRegistry meters) {
        this.store = store;
        this.redis = redis;
        this.listed = Counter.builder("meridian.auth.revocation_list.entries")
                .description("Access tokens put on the revocation list the gateway reads")
                .register(meters);
        this.failures = Counter.builder("meridian.auth.revocation_list.failures")
                .description("Revoked access tokens that could not be put on the revocation list")
                .register(meters);
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        store.save(authorization);
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        if (access != null && access.isInvalidated()) {
            list(access);
        }
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        store.remove(authorization);
        if (authorization.getAccessToken() != null) {
            list(authorization.getAccessToken());
        }
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return store.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        return store.findByToken(token, tokenType);
    }

    private void list(OAuth2Authorization.Token<OAuth2AccessToken> access) {
        Object jti = access.getClaims() == null ? null : access.getClaims().get("jti");
        Instant expiresAt = access.getToken().getExpiresAt();
        if (jti == null || expiresAt == null) {
            return;
        }
        Instant now = Instant.now();
        Instant until = RevokedAccessTokens.listedUntil(expiresAt);
        if (!until.isAfter(now)) {
            return;
        }
        try {
            redis.opsForZSet().add(RevokedAccessTokens.KEY, jti.toString(), until.toEpochMilli());
            // Entries no validator would accept any more leave as new ones arrive, so the set stays as small as the
            // number of tokens revoked within one token lifetime.
            redis.opsForZSet()
                    .removeRangeByScore(RevokedAccessTokens.KEY, Double.NEGATIVE_INFINITY, now.toEpochMilli());
            listed.increment();
        } catch (DataAccessException e) {
            failures.increment();
            log.error(
                    "Access token {} is revoked here but could not be put on the revocation list: the gateway honours"
                            + " it until it expires at {}",
                    jti,
                    expiresAt,
                    e);
            return;
        }
        try {
            // Gateways keep the list in memory from these announcements, and re-read the set now and then.
            redis.convertAndSend(
                    RevokedAccessTokens.CHANNEL, new RevokedAccessTokens.Listed(jti.toString(), until).text());
        } catch (DataAccessException e) {
            log.warn(
                    "Access token {} is on the revocation list but could not be announced: gateways refuse it once"
                            + " they next read the list (meridian.gateway.jwt.revocation-resync-interval)",
                    jti,
                    e);
        }
    }
}
