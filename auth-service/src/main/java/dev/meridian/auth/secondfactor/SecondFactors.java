package dev.meridian.auth.secondfactor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authorization.AllRequiredFactorsAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.stereotype.Component;

/**
 * Which factors a sign-in has, as Spring Security 7's factor authorities on the login session's principal: {@code
 * FACTOR_PASSWORD} from the form login, then {@link #TOTP} (an authenticator app's code), {@link #RECOVERY_CODE} or
 * Spring's own {@code FACTOR_WEBAUTHN} (a passkey). A passkey sign-in without the password is already two factors: the
 * authenticator verified its user (PasskeySecurity requires it).
 *
 * <p>As an {@link AuthorizationManager} it is the additional authorization of every {@code authenticated()} rule
 * (SecondFactorSecurity's {@code AuthorizationManagerFactory}): a browser session signed in with the password of a user
 * who has an authenticator app is refused until the second factor is done, with Spring's {@code FactorAuthorizationDecision}
 * naming {@link #TOTP} as missing, which sends the browser to the challenge page. Spring Authorization Server's
 * authorization and device-verification endpoints run after the authorization filter (7.0), so no code is issued for a
 * sign-in half done. A user owes a second factor when they have an authenticator app or a passkey. Bearer-token
 * requests and client credentials carry no password factor and are not concerned.
 */
@Component
public class SecondFactors implements AuthorizationManager<Object> {

    public static final String TOTP = "FACTOR_TOTP";

    /** The client setting ({@code meridian.auth.clients[n].require-second-factor}) that asks every sign-in for one. */
    public static final String REQUIRED_BY_CLIENT = "meridian.require-second-factor";

    public static final String RECOVERY_CODE = "FACTOR_RECOVERY_CODE";

    /** The factor authorities that count as the second one. */
    static final Set<String> SECOND = Set.of(TOTP, RECOVERY_CODE, FactorGrantedAuthority.WEBAUTHN_AUTHORITY);

    /** The two assurance levels the {@code acr} claim names: the password alone, or with a second factor. */
    public static final String ACR_PASSWORD = "urn:meridian:acr:pwd";

    public static final String ACR_TWO_FACTORS = "urn:meridian:acr:mfa";

    private final TotpFactors apps;
    private final Passkeys passkeys;
    private final RegisteredClientRepository clients;
    private final String authorizationEndpoint;
    private final AuthorizationManager<Object> totpMissing = AllRequiredFactorsAuthorizationManager.builder()
            .requireFactor(f -> f.authority(TOTP))
            .build();

    SecondFactors(
            TotpFactors apps,
            Passkeys passkeys,
            RegisteredClientRepository clients,
            AuthorizationServerSettings endpoints) {
        this.apps = apps;
        this.passkeys = passkeys;
        this.clients = clients;
        this.authorizationEndpoint = endpoints.getAuthorizationEndpoint();
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends @Nullable Authentication> authentication, Object object) {
        Authentication current = authentication.get();
        if (current == null || !has(current, FactorGrantedAuthority.PASSWORD_AUTHORITY) || secondDone(current)) {
            return new AuthorizationDecision(true);
        }
        UUID user = userId(current);
        if (user == null || !(enrolled(user) || requiredByClient(object))) {
            return new AuthorizationDecision(true);
        }
        // Missing TOTP: the challenge page (which offers the passkey too), or for a user who has no second factor yet
        // the page to set one up.
        return totpMissing.authorize(authentication, object);
    }

    /** Whether {@code user} has a second factor: an authenticator app or at least one passkey. */
    boolean enrolled(UUID user) {
        return apps.enrolled(user) || passkeys.registered(user);
    }

    /**
     * An authorization request of a client registered with {@link #REQUIRED_BY_CLIENT}, or one asking for {@link
     * #ACR_TWO_FACTORS} in {@code acr_values} (OIDC Core 3.1.2.1; what a client sends after an RFC 9470 step-up
     * challenge): both get a code only after the second factor, a user without one set up sent to set it up first.
     */
    private boolean requiredByClient(Object object) {
        if (!(object instanceof RequestAuthorizationContext context)
                || !authorizationEndpoint.equals(context.getRequest().getRequestURI())) {
            return false;
        }
        String acrValues = context.getRequest().getParameter("acr_values");
        if (acrValues != null && List.of(acrValues.trim().split("\\s+")).contains(ACR_TWO_FACTORS)) {
            return true;
        }
        String clientId = context.getRequest().getParameter("client_id");
        RegisteredClient client = clientId == null ? null : clients.findByClientId(clientId);
        return client != null && Boolean.TRUE.equals(client.getClientSettings().getSetting(REQUIRED_BY_CLIENT));
    }

    /** Where a chain sends a browser that still owes the second factor ({@code exceptionHandling}). */
    public static AuthenticationEntryPoint challengePage() {
        return new LoginUrlAuthenticationEntryPoint("/login/second-factor");
    }

    static boolean secondDone(Authentication authentication) {
        return authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .anyMatch(SECOND::contains);
    }

    /**
     * {@code amr} (RFC 8176: {@code ["pwd"]}; {@code ["pwd", "otp"]} after an app's code or a recovery code;
     * {@code ["pwd", "hwk"]} after a passkey; {@code ["hwk", "user"]} for a passkey alone, a key held and its user
     * verified) and {@code acr} ({@link #ACR_PASSWORD} for the password alone, else {@link #ACR_TWO_FACTORS}) in ID
     * and access tokens, from the factors of the sign-in the authorization was made with: a refresh repeats them.
     */
    public static void addClaims(JwtEncodingContext context) {
        boolean idToken =
                OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue());
        Authentication principal = context.getPrincipal();
        boolean password = principal != null && has(principal, FactorGrantedAuthority.PASSWORD_AUTHORITY);
        boolean passkey = principal != null && has(principal, FactorGrantedAuthority.WEBAUTHN_AUTHORITY);
        if (!(idToken || OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) || !(password || passkey)) {
            return; // a client's own token: no person signed in
        }
        List<String> methods = new ArrayList<>();
        if (password) {
            methods.add("pwd");
        }
        if (has(principal, TOTP) || has(principal, RECOVERY_CODE)) {
            methods.add("otp");
        }
        if (passkey) {
            methods.add("hwk");
            if (!password) {
                methods.add("user");
            }
        }
        // Mutable: the claims are stored as JSON whose type allow-list refuses List.of's classes.
        context.getClaims().claim("amr", methods);
        context.getClaims().claim("acr", methods.equals(List.of("pwd")) ? ACR_PASSWORD : ACR_TWO_FACTORS);
    }

    static boolean has(Authentication authentication, String authority) {
        return authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .collect(Collectors.toSet())
                .contains(authority);
    }

    /** The login session's principal is the user id (login/UserServiceLogin). */
    static @Nullable UUID userId(Authentication authentication) {
        try {
            return UUID.fromString(authentication.getName());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
