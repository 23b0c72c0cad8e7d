package dev.meridian.auth.sessions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.Principal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A user's sessions: the authorizations (token families) issued to them, whose principal name is the user id. Ending
 * one removes it through the {@link OAuth2AuthorizationService} bean, so its refresh token stops working and its
 * access token goes on the gateway's revocation list.
 *
 * <p>Only sessions signed in before the event that ends them are ended (the sign-in time is the one the ID token's
 * {@code auth_time} comes from), so a redelivered or late event never ends a session the user started afterwards,
 * with the new password or after being activated again.
 */
@Component
public class Sessions {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    private final JdbcClient jdbc;
    private final OAuth2AuthorizationService authorizations;
    private final MeterRegistry meters;
    private final SecurityEvents events;
    private final ApplicationEventPublisher modules;

    Sessions(
            JdbcClient jdbc,
            OAuth2AuthorizationService authorizations,
            MeterRegistry meters,
            SecurityEvents events,
            ApplicationEventPublisher modules) {
        this.jdbc = jdbc;
        this.authorizations = authorizations;
        this.meters = meters;
        this.events = events;
        this.modules = modules;
    }

    /**
     * A signed-in session as its user sees it: {@code lastUsedAt} is when its last access token was issued (sign-in
     * or refresh); {@code address} and {@code userAgent} as the sign-in request came (null for a session signed in
     * before they were recorded, or from a client without a user agent).
     */
    record Session(
            String id,
            String clientId,
            String clientName,
            Instant signedInAt,
            Instant lastUsedAt,
            String address,
            String userAgent) {}

    /**
     * The live sessions of {@code user}, newest sign-in first: those whose refresh or access token still works.
     * Index-backed (principal_name); each candidate is read through the store to skip revoked tokens.
     */
    List<Session> of(UUID user) {
        record Row(
                String id,
                String clientId,
                String clientName,
                String address,
                String userAgent,
                Timestamp signedInAt,
                Timestamp lastUsedAt) {}
        List<Row> rows = jdbc.sql("""
                        select a.id, c.client_id, c.client_name, d.address, d.user_agent, d.signed_in_at,
                               a.access_token_issued_at as last_used_at
                        from oauth2_authorization a
                        left join oauth2_registered_client c on c.id = a.registered_client_id
                        left join session_details d on d.authorization_id = a.id
                        where a.principal_name = ?
                          and (a.refresh_token_expires_at > now() or a.access_token_expires_at > now())
                        """).param(user.toString()).query(Row.class).list();
        List<Session> sessions = new ArrayList<>();
        for (Row row : rows) {
            OAuth2Authorization authorization = authorizations.findById(row.id());
            if (authorization == null || !live(authorization)) {
                continue;
            }
            sessions.add(new Session(
                    row.id(),
                    row.clientId(),
                    row.clientName(),
                    row.signedInAt() != null
                            ? row.signedInAt().toInstant()
                            : signInTime(authorization).orElse(null),
                    row.lastUsedAt() == null ? null : row.lastUsedAt().toInstant(),
                    row.address() != null ? row.address() : signInAddress(authorization),
                    row.userAgent()));
        }
        sessions.sort(Comparator.comparing(Session::signedInAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return sessions;
    }

    /** The live session {@code id} of {@code user}: empty for another user's, an ended or an unknown one alike. */
    Optional<OAuth2Authorization> find(UUID user, String id) {
        OAuth2Authorization authorization = authorizations.findById(id);
        return authorization != null && user.toString().equals(authorization.getPrincipalName()) && live(authorization)
                ? Optional.of(authorization)
                : Optional.empty();
    }

    /**
     * Ends session {@code id} of {@code user} at the request of {@code actor} (the user or an administrator); false
     * when {@code user} has no such live session.
     */
    boolean revoke(UUID user, String id, UUID actor) {
        Optional<OAuth2Authorization> found = find(user, id);
        found.ifPresent(authorization -> revoked(user, actor, List.of(authorization), false));
        return found.isPresent();
    }

    /**
     * Ends every live session of {@code user} but {@code kept} (an authorization id, when given) at the request of
     * {@code actor}; answers the ids ended.
     */
    List<String> revokeAll(UUID user, Optional<String> kept, UUID actor) {
        List<OAuth2Authorization> ending = of(user).stream()
                .filter(session -> kept.isEmpty() || !kept.get().equals(session.id()))
                .map(session -> authorizations.findById(session.id()))
                .filter(Objects::nonNull)
                .toList();
        revoked(user, actor, ending, kept.isEmpty());
        return ending.stream().map(OAuth2Authorization::getId).toList();
    }

    /**
     * The user added or removed a second factor in a browser: every token session (the apps and devices signed in)
     * ends, since each was signed in with other credentials than the account now has; the browser's own sign-in,
     * which made the change, is not a token session and stays.
     */
    public void endAllForCredentialChange(UUID user) {
        revokeAll(user, Optional.empty(), user);
    }

    /**
     * The id of the session whose current access token is {@code accessToken} (the one a request came with), if it
     * is still live.
     */
    Optional<String> ofAccessToken(String accessToken) {
        OAuth2Authorization authorization = authorizations.findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN);
        return authorization == null
                        || authorization.getAccessToken() == null
                        || !authorization.getAccessToken().isActive()
                ? Optional.empty()
                : Optional.of(authorization.getId());
    }

    private void revoked(UUID user, UUID actor, List<OAuth2Authorization> ending, boolean everywhere) {
        if (ending.isEmpty()) {
            return;
        }
        // Removing through the store: refresh tokens stop working, access tokens go on the revocation list.
        ending.forEach(authorizations::remove);
        Counter.builder("meridian.auth.sessions.ended")
                .description("Authorizations removed: the user was deactivated, deleted or changed a credential, or"
                        + " the user or an administrator ended them")
                .tag("reason", "revoked")
                .register(meters)
                .increment(ending.size());
        log.info("User {} ended {} sessions of user {}", actor, ending.size(), user);
        events.sessionsRevoked(
                user, actor, ending.stream().map(OAuth2Authorization::getId).toList(), everywhere);
    }

    /** A refresh token or an access token that still works (not expired, not revoked). */
    private static boolean live(OAuth2Authorization authorization) {
        return authorization.getRefreshToken() != null
                        && authorization.getRefreshToken().isActive()
                || authorization.getAccessToken() != null
                        && authorization.getAccessToken().isActive();
    }

    private static String signInAddress(OAuth2Authorization authorization) {
        return authorization.getAttribute(Principal.class.getName()) instanceof Authentication principal
                        && principal.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress()
                : null;
    }

    /**
     * Ends every session of {@code user} signed in before {@code before}, except the one whose current access token
     * has the id {@code kept} (when given); answers how many it ended. {@code reason} tags the metric.
     */
    int end(UUID user, Instant before, Optional<String> kept, String reason) {
        // Spring Authorization Server's store has no look-up by principal; its table has the column.
        List<String> ids = jdbc.sql("select id from oauth2_authorization where principal_name = ?")
                .param(user.toString())
                .query(String.class)
                .list();
        int ended = 0;
        for (String id : ids) {
            OAuth2Authorization authorization = authorizations.findById(id);
            if (authorization == null
                    || !signedInBefore(authorization, before)
                    || kept.isPresent() && kept.get().equals(accessTokenId(authorization))) {
                continue;
            }
            authorizations.remove(authorization);
            ended++;
        }
        if (ended > 0) {
            Counter.builder("meridian.auth.sessions.ended")
                    .description("Authorizations removed: the user was deactivated, deleted or changed a credential, or"
                            + " the user or an administrator ended them")
                    .tag("reason", reason)
                    .register(meters)
                    .increment(ended);
            log.info("Ended {} of {} sessions of user {} ({})", ended, ids.size(), user, reason);
        }
        return ended;
    }

    /**
     * Forgets a deleted user (GDPR Art. 17): every authorization, removed through the store so refresh tokens stop
     * working and access tokens go on the revocation list, whenever it was signed in (a user id is never given again,
     * so none can belong to anyone else); with them the sign-in records ({@code session_details}, cascade) and the
     * refresh tokens rotation superseded; every consent the user gave; and, through {@link UserForgotten}, what the
     * other modules keep of the user (second factors), in the same transaction. Idempotent: a redelivered deletion finds
     * nothing left. Answers how many authorizations it removed.
     */
    @Transactional
    int forget(UUID user) {
        List<String> ids = jdbc.sql("select id from oauth2_authorization where principal_name = ?")
                .param(user.toString())
                .query(String.class)
                .list();
        int removed = 0;
        for (String id : ids) {
            OAuth2Authorization authorization = authorizations.findById(id);
            if (authorization != null) {
                authorizations.remove(authorization);
                removed++;
            }
        }
        if (!ids.isEmpty()) {
            jdbc.sql("delete from superseded_refresh_token where authorization_id in (:ids)")
                    .param("ids", ids)
                    .update();
        }
        // Rows whose authorization went some other way, and the consents: the store has no look-up by principal.
        jdbc.sql("delete from oauth2_authorization where principal_name = ?")
                .param(user.toString())
                .update();
        jdbc.sql("delete from session_details where principal_name = ?")
                .param(user.toString())
                .update();
        int consents = jdbc.sql("delete from oauth2_authorization_consent where principal_name = ?")
                .param(user.toString())
                .update();
        if (removed > 0) {
            Counter.builder("meridian.auth.sessions.ended")
                    .description("Authorizations removed: the user was deactivated, deleted or changed a credential, or"
                            + " the user or an administrator ended them")
                    .tag("reason", "deleted")
                    .register(meters)
                    .increment(removed);
        }
        modules.publishEvent(new UserForgotten(user));
        log.info("Forgot deleted user {}: {} sessions, {} consents", user, removed, consents);
        return removed;
    }

    /** No sign-in time recorded counts as before: when in doubt, the session ends. */
    private static boolean signedInBefore(OAuth2Authorization authorization, Instant before) {
        return signInTime(authorization).map(time -> time.isBefore(before)).orElse(true);
    }

    private static Optional<Instant> signInTime(OAuth2Authorization authorization) {
        if (!(authorization.getAttribute(Principal.class.getName()) instanceof Authentication principal)) {
            return Optional.empty();
        }
        return principal.getAuthorities().stream()
                .filter(FactorGrantedAuthority.class::isInstance)
                .map(authority -> ((FactorGrantedAuthority) authority).getIssuedAt())
                .filter(Objects::nonNull)
                .max(Instant::compareTo);
    }

    private static String accessTokenId(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        Object jti = access == null || access.getClaims() == null
                ? null
                : access.getClaims().get("jti");
        return jti == null ? null : jti.toString();
    }
}
