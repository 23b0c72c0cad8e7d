package dev.meridian.auth.secondfactor;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authorization.AllAuthoritiesAuthorizationManager;
import org.springframework.security.authorization.AllRequiredFactorsAuthorizationManager;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagerFactory;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.authorization.DefaultAuthorizationManagerFactory;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

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
 *   <li>{@code /account/second-factor/**} needs a whole sign-in, and removing the factor or making new recovery codes
 *       a password typed within {@code meridian.auth.second-factor.reauthentication} (Spring's factor
 *       {@code validDuration}): an older one sends the browser to sign in again.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecondFactorSettings.class)
class SecondFactorSecurity {

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
            AuthorizationManagerFactory<Object> factors)
            throws Exception {
        AuthorizationManager<Object> recentPassword = AllRequiredFactorsAuthorizationManager.builder()
                .requireFactor(factor -> factor.passwordAuthority().validDuration(settings.reauthentication()))
                .build();
        return http.securityMatcher(SecondFactorLogin.PATH, EnrolmentPage.PATH, EnrolmentPage.PATH + "/**")
                .authorizeHttpRequests(requests -> requests.requestMatchers(SecondFactorLogin.PATH)
                        .access(AllAuthoritiesAuthorizationManager.hasAllAuthorities(
                                FactorGrantedAuthority.PASSWORD_AUTHORITY))
                        .requestMatchers(EnrolmentPage.PATH + "/remove", EnrolmentPage.PATH + "/recovery-codes")
                        .access(AuthorizationManagers.allOf(factors.authenticated(), recentPassword))
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
