package dev.meridian.auth.login;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.StandardClaimNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;

/**
 * The {@code email_verified} claim (OIDC Core section 5.1) in the ID token, the access token and userinfo. The
 * credentials verdict says whether the user's address is verified; sign-in keeps that on the authenticated principal
 * as an authority, {@code email_verified:true} or {@code :false}, because the authorization stores the principal as
 * JSON with an allow-list of types, which admits {@link SimpleGrantedAuthority} and would refuse a type of our own.
 * A refresh grant's tokens repeat the sign-in's value. No authority (a user-service that does not say) → no claim.
 */
public final class EmailVerifiedClaim {

    static final String PREFIX = "email_verified:";

    private EmailVerifiedClaim() {}

    /** The authority sign-in adds for the verdict's {@code emailVerified}. */
    public static GrantedAuthority authority(boolean verified) {
        return new SimpleGrantedAuthority(PREFIX + verified);
    }

    static Optional<Boolean> of(Authentication principal) {
        if (principal == null) {
            return Optional.empty();
        }
        return principal.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .filter(authority -> authority != null && authority.startsWith(PREFIX))
                .map(authority -> Boolean.valueOf(authority.substring(PREFIX.length())))
                .findFirst();
    }

    /** Adds the claim to an access token or an ID token, when the principal carries the verdict. */
    public static void addTo(JwtEncodingContext context) {
        boolean idToken =
                OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue());
        if (idToken || OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            of(context.getPrincipal())
                    .ifPresent(verified -> context.getClaims().claim(StandardClaimNames.EMAIL_VERIFIED, verified));
        }
    }

    /**
     * The userinfo answer: Spring Authorization Server's default ({@code OidcUserInfoAuthenticationProvider}'s
     * {@code DefaultOidcUserInfoMapper}: the ID token's claims the access token's scopes ask for), plus {@code
     * email_verified}, which the default keeps for the {@code email} scope only: Meridian's clients ask for {@code
     * openid profile}, and the claim is what tells them whether the account's address has been confirmed.
     */
    public static Function<OidcUserInfoAuthenticationContext, OidcUserInfo> userInfo() {
        return context -> {
            OidcIdToken idToken =
                    context.getAuthorization().getToken(OidcIdToken.class).getToken();
            Set<String> scopes = context.getAccessToken().getScopes();
            Map<String, Object> claims = new HashMap<>();
            idToken.getClaims().forEach((name, value) -> {
                if (asked(name, scopes)) {
                    claims.put(name, value);
                }
            });
            return new OidcUserInfo(claims);
        };
    }

    private static boolean asked(String claim, Set<String> scopes) {
        return switch (claim) {
            case StandardClaimNames.SUB, StandardClaimNames.EMAIL_VERIFIED -> true;
            case StandardClaimNames.EMAIL -> scopes.contains(OidcScopes.EMAIL);
            case StandardClaimNames.ADDRESS -> scopes.contains(OidcScopes.ADDRESS);
            case StandardClaimNames.PHONE_NUMBER, StandardClaimNames.PHONE_NUMBER_VERIFIED ->
                scopes.contains(OidcScopes.PHONE);
            case StandardClaimNames.NAME,
                    StandardClaimNames.FAMILY_NAME,
                    StandardClaimNames.GIVEN_NAME,
                    StandardClaimNames.MIDDLE_NAME,
                    StandardClaimNames.NICKNAME,
                    StandardClaimNames.PREFERRED_USERNAME,
                    StandardClaimNames.PROFILE,
                    StandardClaimNames.PICTURE,
                    StandardClaimNames.WEBSITE,
                    StandardClaimNames.GENDER,
                    StandardClaimNames.BIRTHDATE,
                    StandardClaimNames.ZONEINFO,
                    StandardClaimNames.LOCALE,
                    StandardClaimNames.UPDATED_AT -> scopes.contains(OidcScopes.PROFILE);
            default -> false;
        };
    }
}
