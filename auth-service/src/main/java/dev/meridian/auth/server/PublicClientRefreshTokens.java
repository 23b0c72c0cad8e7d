package dev.meridian.auth.server;

import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Refresh tokens, for public clients too: Spring Authorization Server's {@link OAuth2RefreshTokenGenerator} issues none
 * on a code exchange authenticated by PKCE alone (method {@code none}), but a native app is expected to stay signed in.
 * It is safe here because every client's refresh tokens rotate on each use and a rotated one presented again revokes
 * its whole family (RFC 9700 section 4.14.2: {@link RefreshTokenFamilies}), and only a public client registered for
 * the {@code refresh_token} grant gets one (Spring asks for a refresh token only then). Everything else is the stock
 * generator's, and the tokens are alike: 96 random bytes, the client's refresh-token lifetime.
 */
final class PublicClientRefreshTokens implements OAuth2TokenGenerator<OAuth2RefreshToken> {

    private final OAuth2RefreshTokenGenerator stock = new OAuth2RefreshTokenGenerator();
    private final StringKeyGenerator values =
            new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 96);
    private final Clock clock;

    PublicClientRefreshTokens(Clock clock) {
        this.clock = clock;
        stock.setClock(clock);
    }

    @Override
    public OAuth2RefreshToken generate(OAuth2TokenContext context) {
        if (!forPublicClientsCodeExchange(context)) {
            return stock.generate(context);
        }
        Instant issuedAt = clock.instant();
        return new OAuth2RefreshToken(
                values.generateKey(),
                issuedAt,
                issuedAt.plus(context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive()));
    }

    private static boolean forPublicClientsCodeExchange(OAuth2TokenContext context) {
        return OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())
                && AuthorizationGrantType.AUTHORIZATION_CODE.equals(context.getAuthorizationGrantType())
                && context.getAuthorizationGrant() != null
                && context.getAuthorizationGrant().getPrincipal() instanceof OAuth2ClientAuthenticationToken client
                && ClientAuthenticationMethod.NONE.equals(client.getClientAuthenticationMethod())
                && context.getRegisteredClient()
                        .getAuthorizationGrantTypes()
                        .contains(AuthorizationGrantType.REFRESH_TOKEN);
    }
}
