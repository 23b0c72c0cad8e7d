package dev.meridian.auth.server;

import jakarta.servlet.http.HttpServletRequest;
import java.io.Serial;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Authenticates a public client (a CLI has no secret to keep) by its {@code client_id} alone on the requests where
 * PKCE cannot authenticate it: the device authorization request and the device_code grant (RFC 8628), the refresh
 * grant (rotated, with reuse detection: RFC 9700 section 4.14.2), and revoking its own tokens (RFC 7009 section 2.1).
 * Spring Authorization Server authenticates public clients only by PKCE, on the code exchange; that request is never
 * taken here, so its {@code PublicClientAuthenticationProvider} checks the {@code code_verifier} of every one.
 *
 * <p>The converter marks the requests it takes with its own token type ({@link ClientIdOnly}), which only this
 * provider supports: no other request reaches it, and no other provider sees these. The client must be registered
 * with method {@code none}, and for the grant the request uses (device_code, refresh_token); a client with a secret
 * that sends only its id is refused ({@code invalid_client}). Which tokens it may refresh or revoke, Spring
 * Authorization Server decides as for every client: only its own.
 */
final class ClientIdAuthentication implements AuthenticationConverter, AuthenticationProvider {

    private final RegisteredClientRepository clients;
    private final RequestMatcher tokenEndpoint;
    private final RequestMatcher deviceAuthorizationEndpoint;
    private final RequestMatcher revocationEndpoint;

    ClientIdAuthentication(RegisteredClientRepository clients, AuthorizationServerSettings endpoints) {
        this.clients = clients;
        var paths = PathPatternRequestMatcher.withDefaults();
        this.tokenEndpoint = paths.matcher(HttpMethod.POST, endpoints.getTokenEndpoint());
        this.deviceAuthorizationEndpoint = paths.matcher(HttpMethod.POST, endpoints.getDeviceAuthorizationEndpoint());
        this.revocationEndpoint = paths.matcher(HttpMethod.POST, endpoints.getTokenRevocationEndpoint());
    }

    /** What a request authenticated by {@code client_id} alone asks for. */
    enum Purpose {
        DEVICE_AUTHORIZATION,
        DEVICE_CODE,
        REFRESH_TOKEN,
        REVOCATION
    }

    /** The mark this converter puts on the requests it takes; only {@link ClientIdAuthentication} handles it. */
    static final class ClientIdOnly extends AbstractAuthenticationToken {

        @Serial
        private static final long serialVersionUID = 1L;

        private final String clientId;
        private final Purpose purpose;

        ClientIdOnly(String clientId, Purpose purpose) {
            super(AuthorityUtils.NO_AUTHORITIES);
            this.clientId = clientId;
            this.purpose = purpose;
        }

        @Override
        public Object getPrincipal() {
            return clientId;
        }

        @Override
        public Object getCredentials() {
            return null;
        }

        Purpose purpose() {
            return purpose;
        }
    }

    @Override
    public Authentication convert(HttpServletRequest request) {
        Purpose purpose = purpose(request);
        if (purpose == null || !namesClientOnly(request)) {
            return null;
        }
        String[] clientId = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
        if (clientId.length != 1) {
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_REQUEST);
        }
        return new ClientIdOnly(clientId[0], purpose);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (!(authentication instanceof ClientIdOnly request)) {
            return null;
        }
        RegisteredClient client = clients.findByClientId(request.clientId);
        if (client == null
                || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)
                || !registeredFor(client, request.purpose())) {
            throw new OAuth2AuthenticationException(new OAuth2Error(
                    OAuth2ErrorCodes.INVALID_CLIENT,
                    "Client authentication failed: a public client registered for this grant",
                    "https://datatracker.ietf.org/doc/html/rfc6749#section-5.2"));
        }
        return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return ClientIdOnly.class.isAssignableFrom(authentication);
    }

    /**
     * Whether the request names a client by {@code client_id} and carries no client credentials: no
     * {@code Authorization} header, secret, assertion or certificate (those are for Spring Authorization Server's
     * own converters and providers).
     */
    static boolean namesClientOnly(HttpServletRequest request) {
        return request.getParameter(OAuth2ParameterNames.CLIENT_ID) != null
                && request.getHeader(HttpHeaders.AUTHORIZATION) == null
                && request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) == null
                && request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION) == null
                && request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE) == null
                && request.getAttribute("jakarta.servlet.request.X509Certificate") == null;
    }

    private Purpose purpose(HttpServletRequest request) {
        if (deviceAuthorizationEndpoint.matches(request)) {
            return Purpose.DEVICE_AUTHORIZATION;
        }
        if (revocationEndpoint.matches(request)) {
            return Purpose.REVOCATION;
        }
        if (tokenEndpoint.matches(request)) {
            String grant = request.getParameter(OAuth2ParameterNames.GRANT_TYPE);
            if (AuthorizationGrantType.DEVICE_CODE.getValue().equals(grant)) {
                return Purpose.DEVICE_CODE;
            }
            if (AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(grant)) {
                return Purpose.REFRESH_TOKEN;
            }
        }
        return null;
    }

    private static boolean registeredFor(RegisteredClient client, Purpose purpose) {
        var grants = client.getAuthorizationGrantTypes();
        return switch (purpose) {
            case DEVICE_AUTHORIZATION, DEVICE_CODE -> grants.contains(AuthorizationGrantType.DEVICE_CODE);
            case REFRESH_TOKEN -> grants.contains(AuthorizationGrantType.REFRESH_TOKEN);
            // Any public client may give up its own tokens; Spring Authorization Server refuses another client's.
            case REVOCATION -> true;
        };
    }
}
