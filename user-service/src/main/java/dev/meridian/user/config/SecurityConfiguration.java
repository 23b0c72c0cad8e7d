package dev.meridian.user.config;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.client.RestTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * user-service is an OAuth2 resource server: every request but sign-up, docs and probes carries an access token
 * from auth-service. Roles ({@code roles} claim) and scopes ({@code scope}) become authorities; 401 and 403 are
 * problem JSON like every other error.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String VERIFY_CREDENTIALS_SCOPE = "SCOPE_users.credentials.verify";
    /** notification-service fetching the link (and code) of a mail it is about to send. */
    static final String MAIL_LINKS_SCOPE = "SCOPE_users.mail-links";

    @Bean
    SecurityFilterChain api(HttpSecurity http, JsonMapper json) throws Exception {
        var problems = new SecurityProblems(json);
        return http.csrf(csrf -> csrf.disable()) // bearer tokens only, no cookies: nothing to forge
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests.requestMatchers(HttpMethod.POST, "/api/users")
                        .permitAll()
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
                        .requestMatchers(
                                "/actuator/**", "/livez", "/readyz", "/v3/api-docs/**", "/swagger-ui/**", "/error")
                        .permitAll()
                        .requestMatchers("/internal/credentials/**")
                        .hasAuthority(VERIFY_CREDENTIALS_SCOPE)
                        // Contract C2: auth-service re-reads an account's status and roles on every refresh.
                        .requestMatchers(HttpMethod.GET, "/internal/users/*/standing")
                        .hasAuthority(VERIFY_CREDENTIALS_SCOPE)
                        .anyRequest()
                        .authenticated())
                .oauth2ResourceServer(oauth2 -> oauth2.jwt(jwt -> jwt.jwtAuthenticationConverter(rolesAndScopes()))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .build();
    }

    /**
     * {@code accessTokenChecks}: the platform's access-token starter's validators ({@code typ} is {@code at+jwt},
     * not on the revocation list). A remembered token goes through them again on every use, as it may have been
     * revoked since.
     */
    @Bean
    JwtDecoder jwtDecoder(
            JwtSettings settings,
            Clock clock,
            @LoadBalanced RestTemplate discovery,
            ObjectProvider<OAuth2TokenValidator<Jwt>> accessTokenChecks) {
        NimbusJwtDecoder decoder = jwkSet(settings.jwkSetUri(), discovery);
        OAuth2TokenValidator<Jwt> audience =
                new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(settings.audience()));
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>(List.of(
                new JwtTimestampValidator(settings.clockSkew()),
                // Spring checks exp only when present: a token that never expires is refused here.
                new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull),
                new JwtIssuerValidator(settings.issuer().toString()),
                audience));
        List<OAuth2TokenValidator<Jwt>> everyUse =
                accessTokenChecks.orderedStream().toList();
        validators.addAll(everyUse);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return new VerifiedTokens(
                decoder,
                new DelegatingOAuth2TokenValidator<>(everyUse),
                clock,
                settings.verifiedTokenCacheTime(),
                10_000);
    }

    private static JwtAuthenticationConverter rolesAndScopes() {
        JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
        var converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> {
            Collection<GrantedAuthority> authorities = new ArrayList<>(scopes.convert(jwt));
            List<String> roles = jwt.getClaimAsStringList("roles");
            if (roles != null) {
                roles.forEach(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role)));
            }
            return authorities;
        });
        return converter;
    }

    /** The JWKS client: through discovery for {@code lb://auth-service/...} (from an instance Eureka lists). */
    @Bean
    @LoadBalanced
    RestTemplate discovery() {
        return new RestTemplate();
    }

    private static NimbusJwtDecoder jwkSet(URI uri, RestTemplate discovery) {
        if ("lb".equals(uri.getScheme())) {
            return NimbusJwtDecoder.withJwkSetUri("http" + uri.toString().substring("lb".length()))
                    .restOperations(discovery)
                    .build();
        }
        return NimbusJwtDecoder.withJwkSetUri(uri.toString()).build();
    }
}
