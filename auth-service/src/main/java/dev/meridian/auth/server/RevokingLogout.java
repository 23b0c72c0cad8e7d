package dev.meridian.auth.server;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.oidc.web.authentication.OidcLogoutAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * RP-initiated logout ({@code /connect/logout}) that also revokes what the signed-in session handed the client:
 * the authorization the ID token belongs to, with its refresh and access tokens, is removed before the usual logout
 * (session ended, redirect to the client's post-logout URI).
 */
final class RevokingLogout implements AuthenticationSuccessHandler {

    private static final OAuth2TokenType ID_TOKEN = new OAuth2TokenType(OidcParameterNames.ID_TOKEN);

    private final OAuth2AuthorizationService authorizations;
    private final AuthenticationSuccessHandler logout = new OidcLogoutAuthenticationSuccessHandler();

    RevokingLogout(OAuth2AuthorizationService authorizations) {
        this.authorizations = authorizations;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response, Authentication done)
            throws IOException, ServletException {
        if (done instanceof OidcLogoutAuthenticationToken token && token.getIdToken() != null) {
            OAuth2Authorization authorization =
                    authorizations.findByToken(token.getIdToken().getTokenValue(), ID_TOKEN);
            if (authorization != null) {
                authorizations.remove(authorization);
            }
        }
        logout.onAuthenticationSuccess(request, response, done);
    }
}
