package dev.meridian.starters.resourceserver;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.JwkSetUriJwtDecoderBuilderCustomizer;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestInterceptor;
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
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes a servlet service a Meridian OAuth2 resource server, on Boot's own resource-server auto-configuration.
 *
 * <p>The {@link JwtDecoder} is Boot's ({@code spring.security.oauth2.resourceserver.jwt.jwk-set-uri},
 * {@code issuer-uri}, {@code audiences}). Boot adds every {@code OAuth2TokenValidator<Jwt>} bean to it, and adds its
 * own timestamp (60 s skew) and {@code typ: JWT} checks only when no validator of that class is among them: this
 * starter contributes a {@link JwtTimestampValidator} with {@code meridian.resource-server.clock-skew} and a required
 * {@code exp}, the access-token starter the {@code typ: at+jwt} check and the revocation list. Since Boot builds the
 * decoder from {@code jwk-set-uri} directly when it is set, {@code issuer-uri} then only names the expected issuer:
 * nothing is fetched from the issuer at start-up. An {@code lb://} JWKS address is fetched through discovery, by a
 * {@code @LoadBalanced} client given to Boot's decoder builder ({@link JwkSetUriJwtDecoderBuilderCustomizer}).
 *
 * <p>The filter chain: stateless, no CSRF (bearer tokens only, no cookie a forged request could ride on), the open
 * paths, then the service's {@link AuthorizationRules} (which may ask for a second factor through {@link StepUp});
 * {@code roles} become {@code ROLE_} and {@code scope}
 * {@code SCOPE_} authorities; 401 and 403 are {@link ResourceServerProblems}. With
 * {@code meridian.resource-server.verified-token-cache-time} above zero, tokens that passed are remembered
 * ({@link VerifiedTokens}). Off with {@code meridian.resource-server.enabled=false}; every bean gives way to one the
 * application defines, the chain to any {@link SecurityFilterChain} of its own.
 */
@AutoConfiguration(
        before = {
            OAuth2ResourceServerAutoConfiguration.class,
            ServletWebSecurityAutoConfiguration.class,
            ManagementWebSecurityAutoConfiguration.class
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({JwtDecoder.class, SecurityFilterChain.class, JwkSetUriJwtDecoderBuilderCustomizer.class})
@ConditionalOnBooleanProperty(name = "meridian.resource-server.enabled", matchIfMissing = true)
@EnableConfigurationProperties({
    ResourceServerProperties.class,
    StepUpProperties.class,
    OAuth2ResourceServerProperties.class
})
public final class ResourceServerAutoConfiguration {

    static final String TIMESTAMPS = "accessTokenTimestampValidator";
    static final String EXPIRY_REQUIRED = "accessTokenExpiryRequiredValidator";

    @Bean(TIMESTAMPS)
    @ConditionalOnMissingBean(name = TIMESTAMPS)
    JwtTimestampValidator accessTokenTimestampValidator(ResourceServerProperties settings) {
        return new JwtTimestampValidator(settings.clockSkew());
    }

    /** Spring checks {@code exp} only when present: a token that never expires is refused here. */
    @Bean(EXPIRY_REQUIRED)
    @ConditionalOnMissingBean(name = EXPIRY_REQUIRED)
    JwtClaimValidator<Instant> accessTokenExpiryRequiredValidator() {
        return new JwtClaimValidator<>(JwtClaimNames.EXP, Objects::nonNull);
    }

    /**
     * Boot checks the issuer and the audiences only when they are set; a Meridian resource server checks both, so
     * a missing one stops the start (while Boot builds the decoder), rather than admit tokens for anyone.
     */
    @Bean
    JwkSetUriJwtDecoderBuilderCustomizer issuerAndAudiencesRequired(OAuth2ResourceServerProperties boot) {
        return builder -> {
            OAuth2ResourceServerProperties.Jwt jwt = boot.getJwt();
            Assert.state(
                    StringUtils.hasText(jwt.getIssuerUri()),
                    "spring.security.oauth2.resourceserver.jwt.issuer-uri must name the issuer of access tokens");
            Assert.state(
                    !jwt.getAudiences().isEmpty(),
                    "spring.security.oauth2.resourceserver.jwt.audiences must name this service");
        };
    }

    /** The issuer's keys bridged over its outages (with a tolerance of 0, not at all). */
    @Bean
    @ConditionalOnMissingBean
    LastKnownKeys lastKnownKeys(ResourceServerProperties settings) {
        return new LastKnownKeys(settings.jwksOutageTolerance(), Clock.systemUTC());
    }

    /** A JWKS at a fixed address is fetched by a client that keeps the last keys ({@link LastKnownKeys}). */
    @Bean
    JwkSetUriJwtDecoderBuilderCustomizer jwksKeptOverOutages(
            OAuth2ResourceServerProperties boot, ObjectProvider<LastKnownKeys> lastKnownKeys) {
        return builder -> lastKnownKeys.ifAvailable(keys -> {
            if (!DiscoveryScheme.applies(boot.getJwt().getJwkSetUri())) {
                var client = new RestTemplate();
                client.setInterceptors(List.of(keys));
                builder.restOperations(client);
            }
        });
    }

    @Bean
    @ConditionalOnMissingBean
    JwtAuthenticationConverter rolesAndScopes() {
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

    @Bean
    @ConditionalOnMissingBean
    ResourceServerProblems resourceServerProblems(JsonMapper json) {
        return new ResourceServerProblems(json);
    }

    /** For the service's rules: requests that need a sign-in with a second factor (RFC 9470 step-up). */
    @Bean
    @ConditionalOnMissingBean
    StepUp stepUp(StepUpProperties settings) {
        return new StepUp(settings.acrValues());
    }

    @Bean
    @ConditionalOnMissingBean
    AuthorizationRules authenticatedRequests() {
        return requests -> requests.anyRequest().authenticated();
    }

    /**
     * {@code validators}: every check of the decoder that is a bean ({@code exp}, timestamps, {@code typ}, the
     * revocation list). A remembered token goes through them again on every use, as it may have been revoked since.
     */
    @Bean
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    SecurityFilterChain resourceServerSecurityFilterChain(
            HttpSecurity http,
            JwtDecoder decoder,
            ObjectProvider<OAuth2TokenValidator<Jwt>> validators,
            OAuth2ResourceServerProperties boot,
            ResourceServerProperties settings,
            AuthorizationRules rules,
            JwtAuthenticationConverter authorities,
            ResourceServerProblems problems) {
        // issuer-uri alone would have Boot fetch the issuer's metadata, through the public URL, on the first request.
        Assert.state(
                StringUtils.hasText(boot.getJwt().getJwkSetUri()),
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri must name the issuer's JWKS"
                        + " (lb://auth-service/oauth2/jwks through discovery)");
        JwtDecoder tokens = settings.verifiedTokenCacheTime().isPositive()
                ? new VerifiedTokens(
                        decoder,
                        new DelegatingOAuth2TokenValidator<>(
                                validators.orderedStream().toList()),
                        Clock.systemUTC(),
                        settings.verifiedTokenCacheTime(),
                        settings.verifiedTokenCacheSize())
                : decoder;
        return http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> {
                    requests.requestMatchers(settings.openPaths().toArray(String[]::new))
                            .permitAll();
                    rules.apply(requests);
                })
                .oauth2ResourceServer(
                        oauth2 -> oauth2.jwt(jwt -> jwt.decoder(tokens).jwtAuthenticationConverter(authorities))
                                .authenticationEntryPoint(problems)
                                .accessDeniedHandler(problems))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .build();
    }

    /**
     * {@code lb://auth-service/...}: the JWKS from an instance discovery lists. Boot's builder keeps the address as
     * given, so the client reads {@code lb} as {@code http} before the load balancer picks the instance (which keeps
     * the scheme it is given).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(LoadBalanced.class)
    static class JwksThroughDiscovery {

        static final String CLIENT = "jwkSetDiscoveryClient";

        @Bean(CLIENT)
        @LoadBalanced
        @ConditionalOnMissingBean(name = CLIENT)
        RestTemplate jwkSetDiscoveryClient(ObjectProvider<LastKnownKeys> lastKnownKeys) {
            var client = new RestTemplate();
            var interceptors = new ArrayList<ClientHttpRequestInterceptor>();
            lastKnownKeys.ifAvailable(interceptors::add);
            interceptors.add(new DiscoveryScheme());
            client.setInterceptors(interceptors);
            return client;
        }

        @Bean
        JwkSetUriJwtDecoderBuilderCustomizer jwksThroughDiscovery(
                OAuth2ResourceServerProperties boot, @Qualifier(CLIENT) RestTemplate client) {
            return builder -> {
                if (DiscoveryScheme.applies(boot.getJwt().getJwkSetUri())) {
                    builder.restOperations(client);
                }
            };
        }
    }
}
