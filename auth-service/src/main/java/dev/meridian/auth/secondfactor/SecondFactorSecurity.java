package dev.meridian.auth.secondfactor;

import dev.meridian.auth.login.ActiveUsers;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.authorization.AllAuthoritiesAuthorizationManager;
import org.springframework.security.authorization.AllRequiredFactorsAuthorizationManager;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagerFactory;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.DefaultAuthorizationManagerFactory;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.webauthn.management.WebAuthnRelyingPartyOperations;
import tools.jackson.databind.json.JsonMapper;

/**
 * The second step of sign-in and the second-factor pages, with Spring Security 7's multi-factor building blocks:
 *
 * <ul>
 *   <li>every {@code authenticated()} rule of every filter chain also asks {@link SecondFactors} (the
 *       {@code AuthorizationManagerFactory}'s additional authorization), so a user with an authenticator app who has
 *       only typed the password is refused with {@link SecondFactors#TOTP} missing, and each chain that names
 *       {@link SecondFactors#challengePage()} for it sends the browser to {@code /login/second-factor} (the request
 *       saved, as before the password);
 *   <li>{@code /login/second-factor} needs the password factor only; {@link SecondFactorLogin} takes its form;
 *   <li>{@code /account/second-factor/**} needs a whole sign-in, and removing a factor, adding or removing a passkey or
 *       making new recovery codes a password or passkey sign-in within
 *       {@code meridian.auth.second-factor.reauthentication} (Spring's factor {@code validDuration}): an older one
 *       sends the browser to sign in again;
 *   <li>passkeys, Spring's {@code webAuthn()} ({@link PasskeySecurity}): {@code /webauthn/register/**} under the same
 *       recent sign-in rule, {@code /webauthn/authenticate/options} and {@code /login/webauthn} open to all.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecondFactorSettings.class)
class SecondFactorSecurity {

    /** Spring's passkey sign-in endpoint ({@code WebAuthnAuthenticationFilter}). */
    static final String PASSKEY_LOGIN = "/login/webauthn";

    @Bean
    AuthorizationManagerFactory<Object> secondFactorRequired(SecondFactors secondFactors) {
        var factory = new DefaultAuthorizationManagerFactory<Object>();
        factory.setAdditionalAuthorization(secondFactors);
        return factory;
    }

    @Bean
    @Order(-18)
    SecurityFilterChain secondFactorPages(
            HttpSecurity http,
            SecondFactorChallenge challenge,
            SecondFactorSettings settings,
            AuthorizationManagerFactory<Object> factors,
            WebAuthnRelyingPartyOperations relyingParty,
            ActiveUsers users,
            AuthenticationEventPublisher authenticationEvents,
            JsonMapper json)
            throws Exception {
        // A recent sign-in: a passkey (which is two factors by itself) or the password, within the re-authentication
        // window. Not anyOf(): the refusal must stay the password's FactorAuthorizationDecision, which sends the
        // browser to sign in again (a composite decision would be a bare 403).
        AuthorizationManager<Object> recentPassword = AllRequiredFactorsAuthorizationManager.builder()
                .requireFactor(factor -> factor.passwordAuthority().validDuration(settings.reauthentication()))
                .build();
        AuthorizationManager<Object> recentPasskey = AllRequiredFactorsAuthorizationManager.builder()
                .requireFactor(factor -> factor.webauthnAuthority().validDuration(settings.reauthentication()))
                .build();
        AuthorizationManager<Object> recentSignIn = (authentication, object) -> {
            AuthorizationResult passkey = recentPasskey.authorize(authentication, object);
            return passkey != null && passkey.isGranted() ? passkey : recentPassword.authorize(authentication, object);
        };
        PasskeySecurity.configure(http, relyingParty, users, authenticationEvents, json);
        return http.securityMatcher(
                        SecondFactorLogin.PATH,
                        EnrolmentPage.PATH,
                        EnrolmentPage.PATH + "/**",
                        "/webauthn/**",
                        PASSKEY_LOGIN)
                .authorizeHttpRequests(requests -> requests.requestMatchers(SecondFactorLogin.PATH)
                        .access(AllAuthoritiesAuthorizationManager.hasAllAuthorities(
                                FactorGrantedAuthority.PASSWORD_AUTHORITY))
                        // Spring's filters answer these before any rule; said here for the reader.
                        .requestMatchers(PASSKEY_LOGIN, "/webauthn/authenticate/options")
                        .permitAll()
                        .requestMatchers(
                                EnrolmentPage.PATH + "/remove",
                                EnrolmentPage.PATH + "/recovery-codes",
                                EnrolmentPage.PATH + "/passkeys/**",
                                "/webauthn/register/**")
                        .access(AuthorizationManagers.allOf(factors.authenticated(), recentSignIn))
                        .anyRequest()
                        .authenticated())
                .addFilterAfter(new SecondFactorLogin(challenge), AuthorizationFilter.class)
                .exceptionHandling(errors -> errors.authenticationEntryPoint(
                                new LoginUrlAuthenticationEntryPoint("/login"))
                        .defaultDeniedHandlerForMissingAuthority(
                                new LoginUrlAuthenticationEntryPoint("/login"),
                                FactorGrantedAuthority.PASSWORD_AUTHORITY)
                        .defaultDeniedHandlerForMissingAuthority(SecondFactors.challengePage(), SecondFactors.TOTP))
                .build();
    }
}
