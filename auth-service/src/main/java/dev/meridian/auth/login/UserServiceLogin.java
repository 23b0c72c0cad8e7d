package dev.meridian.auth.login;

import dev.meridian.auth.login.UserCredentials.Check;
import dev.meridian.auth.login.UserCredentials.Verdict;
import feign.FeignException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Signs users in by asking user-service whether their email and password match, through the {@code user-service}
 * circuit breaker ({@link UserServiceBreaker}). The principal is the user id; {@code ROLE_*} authorities become the
 * token's {@code roles}. Every refusal reads the same, whether the email exists or not.
 */
@Component
class UserServiceLogin implements AuthenticationProvider {

    static final String UNAVAILABLE = "Sign-in is temporarily unavailable. Please try again in a moment.";
    private static final Logger log = LoggerFactory.getLogger(UserServiceLogin.class);

    private final UserCredentials credentials;
    private final UserServiceBreaker userService;

    UserServiceLogin(UserCredentials credentials, UserServiceBreaker userService) {
        this.credentials = credentials;
        this.userService = userService;
    }

    @Override
    public Authentication authenticate(Authentication login) throws AuthenticationException {
        var check = new Check(login.getName(), String.valueOf(login.getCredentials()), address(login));
        Verdict verdict;
        try {
            verdict = userService.call(() -> credentials.verify(check));
        } catch (RuntimeException failure) {
            throw refusal(failure);
        }
        if (!verdict.verified()) {
            throw new BadCredentialsException("Wrong email or password");
        }
        // A mutable list (the authorization stores it as JSON with an allow-list of types), and FACTOR_PASSWORD,
        // which carries the sign-in time the ID token's auth_time is taken from.
        List<GrantedAuthority> authorities = new ArrayList<>();
        verdict.roles().forEach(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role)));
        authorities.add(FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY));
        if (verdict.emailVerified() != null) {
            authorities.add(EmailVerifiedClaim.authority(verdict.emailVerified()));
        }
        return UsernamePasswordAuthenticationToken.authenticated(
                verdict.userId().toString(), null, authorities);
    }

    /**
     * The client's address from the form login's details: {@code getRemoteAddr()}, which Tomcat sets from
     * {@code X-Forwarded-For} when the request came through a trusted proxy ({@code server.forward-headers-strategy:
     * native}; by default only internal-network peers are trusted, so a client cannot name its own address).
     */
    private static String address(Authentication login) {
        return login.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : null;
    }

    /** A locked email is the user's to wait out; anything else is user-service being unreachable or failing. */
    private static AuthenticationException refusal(RuntimeException failure) {
        // 429: Feign reports it as retryable when user-service says when (Retry-After), else as TooManyRequests.
        if (failure instanceof FeignException answer && answer.status() == 429) {
            return new LockedException("Too many failed sign-ins. Please wait a little and try again.");
        }
        log.warn("Credentials check failed: {}", failure.toString());
        return new AuthenticationServiceException(UNAVAILABLE, failure);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
