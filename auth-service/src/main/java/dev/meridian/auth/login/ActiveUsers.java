package dev.meridian.auth.login;

import dev.meridian.auth.login.UserStanding.Standing;
import feign.FeignException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/**
 * The user a sign-in without a password (a passkey) is for, by user id, as user-service knows them now: its roles when
 * the account is active, a refusal when it is deactivated or gone. Asked through the {@code user-service} breaker,
 * with the refresh grant's standing check ({@link UserStanding}); there is no password here to hand out.
 */
@Component
public class ActiveUsers implements UserDetailsService {

    private static final Logger log = LoggerFactory.getLogger(ActiveUsers.class);

    private final UserStanding users;
    private final UserServiceBreaker userService;

    ActiveUsers(UserStanding users, UserServiceBreaker userService) {
        this.users = users;
        this.userService = userService;
    }

    @Override
    public UserDetails loadUserByUsername(String userId) {
        UUID id;
        try {
            id = UUID.fromString(userId);
        } catch (IllegalArgumentException notAUser) {
            throw new UsernameNotFoundException("Not a user id");
        }
        Standing standing;
        try {
            standing = userService.call(() -> users.standing(id));
        } catch (FeignException.NotFound gone) {
            throw new UsernameNotFoundException("No such user");
        } catch (RuntimeException failure) {
            log.warn("Passkey sign-in of user {}: user-service's standing check failed: {}", id, failure.toString());
            throw new AuthenticationServiceException(UserServiceLogin.UNAVAILABLE, failure);
        }
        if (!standing.active()) {
            throw new DisabledException("This account is not active");
        }
        return User.withUsername(userId)
                .password("")
                .roles(
                        standing.roles() == null
                                ? new String[0]
                                : standing.roles().toArray(String[]::new))
                .build();
    }
}
