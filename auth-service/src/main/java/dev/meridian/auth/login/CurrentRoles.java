package dev.meridian.auth.login;

import dev.meridian.auth.login.UserStanding.Standing;
import feign.FeignException;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.stereotype.Component;

/**
 * The roles an access token carries. At sign-in they are the ones user-service just vouched for (in the
 * authentication's {@code ROLE_*} authorities); on a refresh grant they are asked for again
 * ({@link UserStanding}), so a demoted administrator's next token no longer says {@code ADMIN}, and a deactivated or
 * deleted user gets {@code invalid_grant} and no tokens. When user-service cannot answer (down, slow, breaker open)
 * the refresh fails closed with {@code temporarily_unavailable}, not {@code invalid_grant}: the refresh token is not
 * at fault, and clients discard a refresh token on {@code invalid_grant} (RFC 6749 section 5.2), which would sign
 * every user out during a user-service outage.
 */
@Component
public class CurrentRoles {

    /** RFC 6749 defines it for the authorization endpoint only (section 4.1.2.1); its meaning fits here too. */
    static final String TEMPORARILY_UNAVAILABLE = "temporarily_unavailable";

    private static final Logger log = LoggerFactory.getLogger(CurrentRoles.class);
    private static final String ROLE = "ROLE_";

    private final UserStanding users;
    private final UserServiceBreaker userService;

    CurrentRoles(UserStanding users, UserServiceBreaker userService) {
        this.users = users;
        this.userService = userService;
    }

    /**
     * The roles for an access token of {@code principal}, issued with {@code grant}; throws the token endpoint's
     * error when the grant must not be honoured.
     */
    public Set<String> of(Authentication principal, AuthorizationGrantType grant) {
        if (!AuthorizationGrantType.REFRESH_TOKEN.equals(grant)) {
            return principal.getAuthorities().stream()
                    .map(GrantedAuthority::getAuthority)
                    .filter(authority -> authority.startsWith(ROLE))
                    .map(authority -> authority.substring(ROLE.length()))
                    // Mutable: the claims are stored as JSON whose type allow-list refuses Set.of's classes.
                    .collect(Collectors.toCollection(HashSet::new));
        }
        Standing standing = standing(principal.getName());
        if (!standing.active()) {
            log.info("Refresh refused: user {} is {}", principal.getName(), standing.status());
            throw refused("The user's account is not active");
        }
        return standing.roles() == null ? new HashSet<>() : new HashSet<>(standing.roles());
    }

    private Standing standing(String principal) {
        UUID user;
        try {
            user = UUID.fromString(principal);
        } catch (IllegalArgumentException e) {
            throw refused("The grant does not belong to a user");
        }
        try {
            return userService.call(() -> users.standing(user));
        } catch (FeignException.NotFound e) {
            log.info("Refresh refused: user {} is not known to user-service", user);
            throw refused("The user's account does not exist");
        } catch (RuntimeException failure) {
            log.warn("Refresh of user {} refused: user-service's standing check failed: {}", user, failure.toString());
            throw new OAuth2AuthenticationException(new OAuth2Error(
                    TEMPORARILY_UNAVAILABLE,
                    "The user's account cannot be checked right now; try again shortly",
                    null));
        }
    }

    private static OAuth2AuthenticationException refused(String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, description, null));
    }
}
