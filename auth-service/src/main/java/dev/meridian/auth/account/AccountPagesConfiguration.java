package dev.meridian.auth.account;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * The anonymous account pages' own filter chain, ahead of the login chain (which would send them to sign in). Open to
 * everyone, CSRF-protected (Thymeleaf puts the token in each form; its cookie twin is HttpOnly, {@code
 * SameSite=Lax}, path {@code /account}), and every answer is {@code
 * Cache-Control: no-store} and {@code Referrer-Policy: no-referrer}: these pages carry link tokens in their URL and
 * forms, which must stay out of caches and out of the {@code Referer} of anything the page leads to. No request cache:
 * a token URL is never kept to come back to.
 */
@Configuration(proxyBeanMethods = false)
class AccountPagesConfiguration {

    static final String[] PAGES = {
        "/account/sign-up",
        "/account/verify",
        "/account/verify/**",
        "/account/forgot-password",
        "/account/reset-password",
        "/account/email-change",
        "/account/email-change/**",
        "/account/form-expired"
    };

    @Bean
    @Order(0)
    SecurityFilterChain accountPages(HttpSecurity http) throws Exception {
        var expired = new AccessDeniedHandlerImpl();
        expired.setErrorPage("/account/form-expired");
        // The CSRF token in a cookie (double submit), not the HTTP session: a person following a mailed link gets no
        // server-side session, and the form's POST works on whichever instance the gateway sends it to.
        var csrfTokens = new CookieCsrfTokenRepository();
        csrfTokens.setCookieName("ACCOUNT-XSRF-TOKEN");
        csrfTokens.setCookieCustomizer(cookie -> cookie.path("/account").sameSite("Lax"));
        return http.securityMatcher(PAGES)
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(csrf -> csrf.csrfTokenRepository(csrfTokens))
                .exceptionHandling(errors -> errors.accessDeniedHandler(expired))
                .requestCache(cache -> cache.disable())
                .headers(headers -> headers.cacheControl(cache -> cache.disable())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .addHeaderWriter(new StaticHeadersWriter("Cache-Control", "no-store")))
                .build();
    }

    /**
     * The "delete account" page: signed-in only, with the login page's session and its CSRF token (in that session),
     * never cached; not signed in sends the browser to {@code /login} and back.
     */
    @Bean
    @Order(-18)
    SecurityFilterChain deleteAccountPageSecurity(HttpSecurity http) throws Exception {
        return http.securityMatcher(DeleteAccountPage.PATH)
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login")))
                .headers(headers -> headers.referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)))
                .build();
    }

    /** A form posted without its CSRF token (or with another session's): 403, as a page. */
    @Controller
    static class FormExpired {

        @RequestMapping("/account/form-expired")
        ModelAndView expired() {
            return Outcome.page(
                    HttpStatus.FORBIDDEN,
                    "This form has expired",
                    "The form was sent without the check this site puts in it, or from a page that is too old. Open"
                            + " the page again and retry.");
        }
    }
}
