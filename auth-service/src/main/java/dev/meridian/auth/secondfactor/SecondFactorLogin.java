package dev.meridian.auth.secondfactor;

import dev.meridian.auth.secondfactor.SecondFactorChallenge.Answer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.AbstractAuthenticationProcessingFilter;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * {@code POST /login/second-factor}: the challenge form's code or recovery code. Spring Security's own
 * authentication filter with its multi-factor support on: the result (the second factor's authority) is merged with
 * the password sign-in's authorities, the session id changes, and the browser goes on to the request that needed the
 * second factor (the authorization request), as after the password. A wrong code is back on the page with why.
 */
final class SecondFactorLogin extends AbstractAuthenticationProcessingFilter {

    static final String PATH = "/login/second-factor";

    SecondFactorLogin(SecondFactorChallenge challenge) {
        super(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, PATH));
        setAuthenticationManager(challenge::authenticate);
        setMfaEnabled(true);
        setSessionAuthenticationStrategy(new ChangeSessionIdAuthenticationStrategy());
        setSecurityContextRepository(new DelegatingSecurityContextRepository(
                new RequestAttributeSecurityContextRepository(), new HttpSessionSecurityContextRepository()));
        var success = new SavedRequestAwareAuthenticationSuccessHandler();
        success.setDefaultTargetUrl("/account/second-factor");
        setAuthenticationSuccessHandler(success);
        setAuthenticationFailureHandler(new SimpleUrlAuthenticationFailureHandler(PATH + "?error"));
    }

    @Override
    public Authentication attemptAuthentication(HttpServletRequest request, HttpServletResponse response)
            throws AuthenticationException {
        Authentication current =
                SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication();
        if (current == null || !current.isAuthenticated()) {
            throw new InsufficientAuthenticationException("Sign in with your password first");
        }
        return getAuthenticationManager()
                .authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                        current.getName(),
                        new Answer(request.getParameter("code"), request.getParameter("recovery_code"))));
    }
}
