package dev.meridian.auth.secondfactor;

import dev.meridian.auth.login.ActiveUsers;
import dev.meridian.auth.sessions.SecurityEvents;
import dev.meridian.auth.sessions.Sessions;
import java.net.URI;
import java.util.Set;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.webauthn.api.AuthenticatorSelectionCriteria;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRpEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.ResidentKeyRequirement;
import org.springframework.security.web.webauthn.api.UserVerificationRequirement;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthenticationFilter;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthenticationProvider;
import org.springframework.security.web.webauthn.management.JdbcPublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.JdbcUserCredentialRepository;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.WebAuthnRelyingPartyOperations;
import org.springframework.security.web.webauthn.management.Webauthn4JRelyingPartyOperations;
import tools.jackson.databind.json.JsonMapper;

/**
 * Passkeys through Spring Security's {@code webAuthn()}, on the second-factor pages' filter chain:
 *
 * <ul>
 *   <li>{@code POST /webauthn/register/options} and {@code /webauthn/register} (Spring's filters) add a passkey for the
 *       signed-in user, stored by {@link Passkeys}; the page's script drives them. Resident keys and user verification
 *       are required: the passkey names the account itself (no email typed first) and the authenticator checks a PIN
 *       or biometric, so a passkey alone is two factors (something held, something known or been);
 *   <li>{@code POST /webauthn/authenticate/options} and {@code /login/webauthn} sign in with one: on the login page
 *       in place of the password, or on the challenge page as the second step after it, where only the user's own
 *       passkeys are allowed and the result is merged with the password sign-in ({@link PasskeyLogin}).
 * </ul>
 *
 * The ceremonies' options wait in the HTTP session (Spring's default), so a challenge is used once and only by the
 * browser it was made for.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PasskeySettings.class)
class PasskeySecurity {

    @Bean
    PublicKeyCredentialUserEntityRepository passkeyUserEntities(JdbcOperations jdbc) {
        return new JdbcPublicKeyCredentialUserEntityRepository(jdbc);
    }

    @Bean
    Passkeys passkeys(
            JdbcOperations jdbc,
            JdbcClient sql,
            PublicKeyCredentialUserEntityRepository userEntities,
            RecoveryCodes recoveryCodes,
            SecurityEvents events,
            Sessions sessions) {
        return new Passkeys(new JdbcUserCredentialRepository(jdbc), userEntities, sql, recoveryCodes, events, sessions);
    }

    @Bean
    WebAuthnRelyingPartyOperations relyingParty(
            PublicKeyCredentialUserEntityRepository userEntities,
            Passkeys passkeys,
            PasskeySettings settings,
            SecondFactorSettings secondFactors,
            AuthorizationServerSettings endpoints) {
        URI issuer = URI.create(endpoints.getIssuer());
        String rpId = settings.rpId() == null ? issuer.getHost() : settings.rpId();
        Set<String> origins = settings.allowedOrigins().isEmpty() ? Set.of(origin(issuer)) : settings.allowedOrigins();
        var relyingParty = new Webauthn4JRelyingPartyOperations(
                userEntities,
                passkeys,
                PublicKeyCredentialRpEntity.builder()
                        .id(rpId)
                        .name(settings.rpName())
                        .build(),
                origins);
        relyingParty.setCustomizeCreationOptions(options -> {
            options.authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                    .residentKey(ResidentKeyRequirement.REQUIRED)
                    .userVerification(UserVerificationRequirement.REQUIRED)
                    .build());
            // The account name the authenticator shows in its list (Spring's default is the principal's name, here a
            // bare user id); the stored user entity keeps the user id, which sign-in looks users up by.
            Authentication signedIn = SecurityContextHolder.getContext().getAuthentication();
            PublicKeyCredentialUserEntity stored =
                    signedIn == null ? null : userEntities.findByUsername(signedIn.getName());
            if (stored != null) {
                String account =
                        secondFactors.issuer() + " account " + stored.getName().substring(0, 8);
                options.user(ImmutablePublicKeyCredentialUserEntity.builder()
                        .id(stored.getId())
                        .name(account)
                        .displayName(account)
                        .build());
            }
        });
        relyingParty.setCustomizeRequestOptions(
                options -> options.userVerification(UserVerificationRequirement.REQUIRED));
        return relyingParty;
    }

    /**
     * Spring's {@code webAuthn()} with this service's sign-in rules on its authentication filter: multi-factor (a
     * passkey after the password adds to that sign-in), a new session id, the context kept in the session, the
     * authentication events the sign-in records listen to, and the principal shaped by {@link PasskeyLogin}.
     */
    static void configure(
            HttpSecurity http,
            WebAuthnRelyingPartyOperations relyingParty,
            ActiveUsers users,
            AuthenticationEventPublisher authenticationEvents,
            JsonMapper json)
            throws Exception {
        // Before every WebAuthn filter (the first is placed before BasicAuthenticationFilter), after CSRF.
        http.addFilterAfter(new PasskeyProblems(json), LogoutFilter.class);
        http.webAuthn(webAuthn -> webAuthn.disableDefaultRegistrationPage(true)
                .withObjectPostProcessor(new ObjectPostProcessor<WebAuthnAuthenticationFilter>() {
                    @Override
                    public <O extends WebAuthnAuthenticationFilter> O postProcess(O filter) {
                        var manager = new ProviderManager(
                                new PasskeyLogin(new WebAuthnAuthenticationProvider(relyingParty, users)));
                        manager.setAuthenticationEventPublisher(authenticationEvents);
                        filter.setAuthenticationManager(manager);
                        filter.setMfaEnabled(true);
                        filter.setSessionAuthenticationStrategy(new ChangeSessionIdAuthenticationStrategy());
                        filter.setSecurityContextRepository(new DelegatingSecurityContextRepository(
                                new RequestAttributeSecurityContextRepository(),
                                new HttpSessionSecurityContextRepository()));
                        return filter;
                    }
                }));
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
