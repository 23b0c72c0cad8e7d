package dev.meridian.auth.server;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.util.StringUtils;

/**
 * Lets public clients (a CLI has no secret to keep) use the device authorization grant, RFC 8628: Spring
 * Authorization Server authenticates public clients only by PKCE, which the device flow does not have. A request to
 * the device authorization endpoint, or a device_code token request, names its client by {@code client_id}; the
 * client must be registered as public ({@code none}) and for the device code grant.
 */
final class DeviceClientAuthentication implements AuthenticationConverter, AuthenticationProvider {

    private static final String DEVICE_AUTHORIZATION_PATH = "/oauth2/device_authorization";

    private final RegisteredClientRepository clients;

    DeviceClientAuthentication(RegisteredClientRepository clients) {
        this.clients = clients;
    }

    @Override
    public Authentication convert(HttpServletRequest request) {
        boolean deviceRequest = DEVICE_AUTHORIZATION_PATH.equals(request.getRequestURI())
                || AuthorizationGrantType.DEVICE_CODE
                        .getValue()
                        .equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE));
        String clientId = request.getParameter(OAuth2ParameterNames.CLIENT_ID);
        if (!deviceRequest || !StringUtils.hasText(clientId) || request.getHeader("Authorization") != null) {
            return null;
        }
        return new OAuth2ClientAuthenticationToken(clientId, ClientAuthenticationMethod.NONE, null, null);
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        var request = (OAuth2ClientAuthenticationToken) authentication;
        if (!ClientAuthenticationMethod.NONE.equals(request.getClientAuthenticationMethod())) {
            return null;
        }
        RegisteredClient client = clients.findByClientId(String.valueOf(request.getPrincipal()));
        if (client == null
                || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)
                || !client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.DEVICE_CODE)) {
            throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
        }
        return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
