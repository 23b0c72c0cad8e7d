package dev.meridian.auth.sessions;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sessions API and page, each with its own filter chain, ahead of the login page's catch-all chain (order 2)
 * and the authorization server's (order 1).
 *
 * <ul>
 *   <li>{@code /api/sessions/**} and {@code /api/admin/users/{id}/sessions/**}: stateless, bearer access tokens of this
 *       server (its keys and issuer, {@code typ: at+jwt}) that are still live in the authorization store (a revoked
 *       token is refused here too, not only at the gateway); the admin paths need role {@code ADMIN}. Every refusal
 *       is an RFC 9457 problem.
 *   <li>{@code /account/sessions/**}: the login page's session (form login), CSRF-protected forms; not signed in
 *       sends the browser to {@code /login} and back.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class SessionsSecurity {

    static final String ADMIN_PATHS = "/api/admin/users/*/sessions/**";

    @Bean
    @Order(-20)
    SecurityFilterChain sessionsApiSecurity(
            HttpSecurity http, JwtDecoder accessTokens, Sessions sessions, JsonMapper json) throws Exception {
        var authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthoritiesClaimName("roles");
        authorities.setAuthorityPrefix("ROLE_");
        var principal = new JwtAuthenticationConverter();
        principal.setJwtGrantedAuthoritiesConverter(authorities);
        var bearer = new BearerTokenAuthenticationEntryPoint();
        var forbidden = new BearerTokenAccessDeniedHandler();
        AuthenticationEntryPoint unauthorized = (request, response, failure) -> {
            bearer.commence(request, response, failure); // the WWW-Authenticate header of RFC 6750
            problem(json, response, HttpStatus.UNAUTHORIZED, "A live access token of this server is required");
        };
        AccessDeniedHandler denied = (request, response, refusal) -> {
            forbidden.handle(request, response, refusal);
            problem(json, response, HttpStatus.FORBIDDEN, "This needs role ADMIN");
        };
        return http.securityMatcher("/api/sessions/**", ADMIN_PATHS)
                .authorizeHttpRequests(requests -> requests.requestMatchers(ADMIN_PATHS)
                        .hasRole("ADMIN")
                        .anyRequest()
                        .authenticated())
                .oauth2ResourceServer(resource -> resource.jwt(jwt ->
                                jwt.decoder(liveOnly(accessTokens, sessions)).jwtAuthenticationConverter(principal))
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler(denied))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(unauthorized).accessDeniedHandler(denied))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable()) // bearer tokens only: no cookie a forged request could ride on
                .build();
    }

    @Bean
    @Order(-19)
    SecurityFilterChain sessionsPageSecurity(HttpSecurity http) throws Exception {
        return http.securityMatcher("/account/sessions", "/account/sessions/**")
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .exceptionHandling(errors -> errors.authenticationEntryPoint(
                                new LoginUrlAuthenticationEntryPoint("/login"))
                        // secondfactor.SecondFactors' challenge page and TOTP factor, by name: that module already
                        // depends on this one (its events), and modules form no cycle.
                        .defaultDeniedHandlerForMissingAuthority(
                                new LoginUrlAuthenticationEntryPoint("/login/second-factor"), "FACTOR_TOTP"))
                .build();
    }

    /** This server's access tokens, and only while the authorization store still holds them as active. */
    private static JwtDecoder liveOnly(JwtDecoder accessTokens, Sessions sessions) {
        return token -> {
            Jwt jwt = accessTokens.decode(token);
            if (sessions.ofAccessToken(token).isEmpty()) {
                throw new BadJwtException("The access token was revoked");
            }
            return jwt;
        };
    }

    private static void problem(JsonMapper json, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(
                response.getOutputStream(),
                Map.of(
                        "type",
                        "about:blank",
                        "title",
                        status.getReasonPhrase(),
                        "status",
                        status.value(),
                        "detail",
                        detail));
    }
}
