package dev.meridian.audit.config;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
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
 * audit-service is an OAuth2 resource server whose whole API is for administrators: the {@code roles} claim of an
 * access token from auth-service must hold {@code ADMIN}. 401 and 403 are problem JSON.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(JwtSettings.class)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain api(HttpSecurity http, JsonMapper json) throws Exception {
        var problems = new SecurityProblems(json);
        return http.csrf(csrf -> csrf.disable()) // bearer tokens only, no cookies: nothing to forge
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests.requestMatchers(
                                "/actuator/**", "/livez", "/readyz", "/v3/api-docs/**", "/swagger-ui/**", "/error")
                        .permitAll()
                        .requestMatchers("/api/audit/**")
                        .hasRole("ADMIN")
                        .anyRequest()
                        .denyAll())
                .oauth2ResourceServer(oauth2 -> oauth2.jwt(jwt -> jwt.jwtAuthenticationConverter(roles()))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .build();
    }

    /** {@code accessTokenChecks}: the access-token starter's ({@code typ} is {@code at+jwt}, not revoked). */
    @Bean
    JwtDecoder jwtDecoder(
            JwtSettings settings,
            @LoadBalanced RestTemplate discovery,
            ObjectProvider<OAuth2TokenValidator<Jwt>> accessTokenChecks) {
        NimbusJwtDecoder decoder = jwkSet(settings.jwkSetUri(), discovery);
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>(List.of(
                new JwtTimestampValidator(settings.clockSkew()),
                // Spring checks exp only when present: a token that never expires is refused here.
                new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull),
                new JwtIssuerValidator(settings.issuer().toString()),
                new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(settings.audience()))));
        accessTokenChecks.orderedStream().forEach(validators::add);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return decoder;
    }

    /** {@code roles: ["ADMIN"]} becomes the authority {@code ROLE_ADMIN}. */
    private static JwtAuthenticationConverter roles() {
        var roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName("roles");
        roles.setAuthorityPrefix("ROLE_");
        var converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(roles);
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
