package dev.meridian.auth.server;

import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * What Spring Authorization Server's PKCE check leaves out, checked on every code exchange before any client
 * authentication runs (a converter that converts nothing, as Spring's own converters refuse malformed parameters):
 * a {@code code_verifier} must be 43 to 128 unreserved characters (RFC 7636 section 4.1; Spring compares only its
 * hash, so a client that made its challenge from "abc" would pass), and a public client, which sends only its
 * {@code client_id}, must send one (otherwise no converter takes the request and it fails as an unknown client).
 * Both are {@code invalid_grant}, as Spring answers a wrong verifier. Confidential clients without a verifier are
 * refused by Spring itself: PKCE is required for every client ({@link ConfiguredClients}).
 */
final class CodeVerifierRules implements AuthenticationConverter {

    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");
    private static final String ERROR_URI = "https://datatracker.ietf.org/doc/html/rfc7636#section-4.1";

    private final RequestMatcher tokenEndpoint;

    CodeVerifierRules(AuthorizationServerSettings endpoints) {
        this.tokenEndpoint =
                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, endpoints.getTokenEndpoint());
    }

    @Override
    public Authentication convert(HttpServletRequest request) {
        if (!tokenEndpoint.matches(request)
                || !AuthorizationGrantType.AUTHORIZATION_CODE
                        .getValue()
                        .equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE))) {
            return null;
        }
        String[] verifier = request.getParameterValues(PkceParameterNames.CODE_VERIFIER);
        if (verifier == null) {
            if (ClientIdAuthentication.namesClientOnly(request)) {
                throw invalidGrant("code_verifier is required");
            }
            return null;
        }
        if (verifier.length != 1 || !VERIFIER.matcher(verifier[0]).matches()) {
            throw invalidGrant("code_verifier must be 43 to 128 characters of [A-Z] / [a-z] / [0-9] / - . _ ~");
        }
        return null;
    }

    private static OAuth2AuthenticationException invalidGrant(String description) {
        return new OAuth2AuthenticationException(
                new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, description, ERROR_URI));
    }
}
