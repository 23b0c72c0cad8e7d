package dev.meridian.auth.sessions;

import dev.meridian.auth.sessions.SignInRecords.SignIn;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

/** Keeps each form sign-in in the login's HTTP session, for {@link SignInRecords}. */
@Component
class SignInListener {

    private static final int MAX_USER_AGENT = 512;

    /**
     * A form login succeeded (published by Spring Security's authentication manager inside the login request, before
     * the session id is changed; the attributes move to the new id). The address is the one the credentials check
     * was sent, {@code getRemoteAddr()}: from {@code X-Forwarded-For} only behind a trusted proxy.
     */
    @EventListener
    void signedIn(AuthenticationSuccessEvent event) {
        HttpServletRequest request = SignInRecords.currentRequest();
        if (request == null || !(event.getAuthentication() instanceof UsernamePasswordAuthenticationToken login)) {
            return;
        }
        String userAgent = request.getHeader("User-Agent");
        if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
            userAgent = userAgent.substring(0, MAX_USER_AGENT);
        }
        request.getSession()
                .setAttribute(
                        SignInRecords.ATTRIBUTE,
                        new SignIn(login.getName(), request.getRemoteAddr(), userAgent, Instant.now()));
    }
}
