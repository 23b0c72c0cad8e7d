package dev.meridian.auth.sessions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.stereotype.Component;

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
class Sessions {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    private final JdbcClient jdbc;
    private final OAuth2AuthorizationService authorizations;
    private final MeterRegistry meters;

    Sessions(JdbcClient jdbc, OAuth2AuthorizationService authorizations, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.authorizations = authorizations;
        this.meters = meters;
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
                    .description("Authorizations removed because the user was deactivated or changed a credential")
                    .tag("reason", reason)
                    .register(meters)
                    .increment(ended);
            log.info("Ended {} of {} sessions of user {} ({})", ended, ids.size(), user, reason);
        }
        return ended;
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
