package dev.meridian.auth.sessions;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Where each session was signed in from. The login form's request is the only one that sees the person's address and
 * user agent at sign-in, but the authorization (the session) is created later, by the authorization or device
 * verification request of the same browser: so the sign-in is kept in the login's HTTP session
 * ({@link SignInListener}), and copied into {@code session_details} when an authorization of the same principal is first
 * saved during a request of that HTTP session. Token requests (refresh, code exchange, client credentials) carry no
 * HTTP session and cost nothing here. The row goes with its authorization (a cascading foreign key).
 */
public final class SignInRecords implements OAuth2AuthorizationService {

    static final String ATTRIBUTE = SignInRecords.class.getName() + ".SIGN_IN";

    /** The sign-in as the login request saw it; in the HTTP session, so serializable. */
    record SignIn(String principal, String address, String userAgent, Instant at) implements Serializable {}

    private final OAuth2AuthorizationService store;
    private final JdbcClient jdbc;

    public SignInRecords(OAuth2AuthorizationService store, JdbcClient jdbc) {
        this.store = store;
        this.jdbc = jdbc;
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        store.save(authorization);
        HttpServletRequest request = currentRequest();
        HttpSession session = request == null ? null : request.getSession(false);
        if (session != null
                && session.getAttribute(ATTRIBUTE) instanceof SignIn signIn
                && signIn.principal().equals(authorization.getPrincipalName())) {
            jdbc.sql("insert into session_details (authorization_id, principal_name, address, user_agent,"
                            + " signed_in_at) values (?, ?, ?, ?, ?) on conflict do nothing")
                    .params(
                            authorization.getId(),
                            signIn.principal(),
                            signIn.address(),
                            signIn.userAgent(),
                            Timestamp.from(signIn.at()))
                    .update();
        }
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        store.remove(authorization);
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return store.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        return store.findByToken(token, tokenType);
    }

    static HttpServletRequest currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? attributes.getRequest()
                : null;
    }
}
