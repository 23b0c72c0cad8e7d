package dev.meridian.user.security;

import dev.meridian.starters.resourceserver.AuthorizationRules;
import dev.meridian.starters.resourceserver.StepUp;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * Who may call what; the resource-server starter does the rest (tokens, probes, problem JSON). Every request but
 * sign-up and the mailed-link confirmations carries an access token from auth-service.
 *
 * <p>The administration routes — listing and searching accounts, activating one — take an administrator's token only
 * from a sign-in with a second factor ({@code acr} {@code urn:meridian:acr:mfa}): without it a 403 with the RFC 9470
 * step-up challenge. Other tokens pass on to the controllers, which refuse a non-administrator as before. What an
 * administrator does to another account on the owner's routes is checked the same way, by {@code account.Caller}.
 */
@Configuration(proxyBeanMethods = false)
class SecurityRules {

    static final String VERIFY_CREDENTIALS_SCOPE = "SCOPE_users.credentials.verify";
    /** notification-service fetching the link (and code) of a mail it is about to send. */
    static final String MAIL_LINKS_SCOPE = "SCOPE_users.mail-links";
    /** auth-service's "delete account" page, on behalf of the signed-in owner (who still gives their password). */
    static final String DELETE_SCOPE = "SCOPE_users.delete";

    static final String ADMIN = "ROLE_ADMIN";

    @Bean
    AuthorizationRules userServiceRules(StepUp stepUp) {
        return requests -> requests.requestMatchers(HttpMethod.POST, "/api/users")
                .permitAll()
                .requestMatchers(HttpMethod.GET, "/api/users")
                .access(stepUp.requiredOf(ADMIN))
                .requestMatchers(HttpMethod.POST, "/api/users/*/activate")
                .access(stepUp.requiredOf(ADMIN))
                // Anonymous by nature: whoever holds the mailed link or code (or asks for a reset).
                .requestMatchers(
                        HttpMethod.POST,
                        "/api/users/email-verification",
                        "/api/users/password-reset",
                        "/api/users/password-reset/confirm",
                        "/api/users/email-change/confirm",
                        "/api/users/email-change/cancel")
                .permitAll()
                .requestMatchers("/internal/mail-links")
                .hasAuthority(MAIL_LINKS_SCOPE)
                .requestMatchers("/internal/credentials/**")
                .hasAuthority(VERIFY_CREDENTIALS_SCOPE)
                // Contract C2: auth-service re-reads an account's status and roles on every refresh.
                .requestMatchers(HttpMethod.GET, "/internal/users/*/standing")
                .hasAuthority(VERIFY_CREDENTIALS_SCOPE)
                .requestMatchers(HttpMethod.POST, "/internal/users/*/deletion")
                .hasAuthority(DELETE_SCOPE)
                .anyRequest()
                .authenticated();
    }
}
