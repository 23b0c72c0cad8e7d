package dev.meridian.gateway.security;

import dev.meridian.gateway.problem.ProblemResponses;
import dev.meridian.gateway.redis.RedisAvailability;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

/**
 * The edge's security: every route needs a valid access token except the public ones listed here. The gateway keeps
 * no session; the token is passed on unchanged and every service checks it again (defence in depth).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(JwtSettings.class)
class EdgeSecurity {

    /** Open without a token: sign-up, the authorization server's own endpoints (it authenticates), API docs. */
    private static final String[] PUBLIC_PATHS = {
        "/oauth2/**",
        "/login",
        "/login/second-factor", // the second step of sign-in: auth-service checks its login session
        "/login/webauthn", // a passkey sign-in, and its ceremonies' options: the same
        "/webauthn/**",
        "/.well-known/**",
        "/userinfo",
        "/connect/**",
        "/account/**", // auth-service's account pages: anonymous forms with CSRF tokens, or its own login session
        // Swagger UI: its page, its files (oauth2-redirect.html among them), its configuration, the services' docs.
        "/swagger-ui.html",
        "/swagger-ui/**",
        "/v3/api-docs/swagger-config",
        "/api-docs/*",
        "/livez",
        "/readyz",
    };

    /** The JOSE {@code typ} of a JWT access token, short and as a full media type (RFC 9068 §4). */
    static final List<String> ACCESS_TOKEN_TYPES = List.of("at+jwt", "application/at+jwt");

    /** Account flows a user takes without a token (route {@code users-account-recovery}). */
    static final String[] ACCOUNT_RECOVERY_PATHS = {
        "/api/users/email-verification",
        "/api/users/password-reset",
        "/api/users/password-reset/confirm",
        "/api/users/email-change/confirm",
        "/api/users/email-change/cancel",
    };

    /** Never routed: let them through security so that routing answers 404 for them, with or without a token. */
    private static final String[] HIDDEN_PATHS = {"/internal/**", "/actuator/**"};

    @Bean
    SecurityWebFilterChain edge(ServerHttpSecurity http, ReactiveJwtDecoder decoder) {
        var problems = new SecurityProblems();
        return http.authorizeExchange(exchanges -> exchanges
                        .pathMatchers(HttpMethod.POST, "/api/users")
                        .permitAll()
                        // A link or code from a mail is the credential here (user-service checks it), or none is
                        // needed to ask for one (reset): no token.
                        .pathMatchers(HttpMethod.POST, ACCOUNT_RECOVERY_PATHS)
                        .permitAll()
                        .pathMatchers(PUBLIC_PATHS)
                        .permitAll()
                        .pathMatchers(HIDDEN_PATHS)
                        .permitAll()
                        // CORS preflights carry no token; the gateway's globalcors configuration answers them.
                        .pathMatchers(HttpMethod.OPTIONS)
                        .permitAll()
                        .anyExchange()
                        .authenticated())
                .oauth2ResourceServer(oauth2 -> oauth2.bearerTokenConverter(new BearerTokens())
                        .jwt(jwt -> jwt.jwtDecoder(decoder))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                // The login page posts through the gateway: auth-service checks its CSRF token; the API is stateless.
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.disable())
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .headers(headers -> headers.referrerPolicy(referrer ->
                                referrer.policy(ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy.NO_REFERRER))
                        .contentSecurityPolicy(csp -> csp.policyDirectives("frame-ancestors 'none'")))
                .build();
    }

    /**
     * No observation wrapped around each security filter, authentication and authorization: switched off by
     * {@code management.observations.enable.spring.security=false} they still cost a decorator per filter on every
     * request (measured in docs/deviations.md); the HTTP server observation times and traces the request.
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Spring Security's firewall refuses paths that could reach something else after normalisation downstream
     * ({@code ..}, encoded slashes and dots, {@code ;}): answered as a 400 problem like every other refusal.
     */
    @Bean
    ServerExchangeRejectedHandler rejectedAsProblem() {
        return (exchange, rejected) ->
                ProblemResponses.write(exchange, HttpStatus.BAD_REQUEST, "The request path is not allowed");
    }

    /**
     * Spring Security's strict firewall, with its rule for header names and values — every character assigned and not
     * a control character — checked by a loop over the code points instead of a regular expression matched on every
     * header read (its measured cost in docs/deviations.md). Everything else is the default.
     */
    @Bean
    StrictServerWebExchangeFirewall firewall() {
        var firewall = new StrictServerWebExchangeFirewall();
        firewall.setAllowedHeaderNames(EdgeSecurity::assignedAndNotControl);
        firewall.setAllowedHeaderValues(EdgeSecurity::assignedAndNotControl);
        return firewall;
    }

    /**
     * What {@code [\p{IsAssigned}&&[^\p{IsControl}]]*} matches, the firewall's default pattern for headers; a header
     * that is absent (null: the firewall also checks what it is asked for) passes.
     */
    static boolean assignedAndNotControl(String value) {
        if (value == null) {
            return true;
        }
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            int type = Character.getType(codePoint);
            if (type == Character.UNASSIGNED || type == Character.CONTROL) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }

    @Bean
    VerifiedTokens verifiedTokens(JwtSettings settings) {
        return new VerifiedTokens(settings.verifiedTokenCacheTime(), 100_000);
    }

    @Bean
    ReactiveJwtDecoder jwtDecoder(
            JwtSettings settings,
            VerifiedTokens verified,
            ReactorLoadBalancerExchangeFilterFunction discovery,
            LocalRevocationList revocationList,
            ReactiveStringRedisTemplate redis,
            RedisAvailability availability,
            MeterRegistry meters) {
        NimbusReactiveJwtDecoder decoder = jwkSet(settings, discovery);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                // RFC 9068 §2.1 / RFC 8725 §3.11: only a JWT typed as an access token is one (an ID token, typ JWT,
                // or an untyped JWT signed by the same key is refused). Case-insensitive, as media types are.
                new JwtTypeValidator(ACCESS_TOKEN_TYPES),
                new JwtTimestampValidator(settings.clockSkew()),
                // Spring checks exp only when present: a token that never expires is refused here.
                new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull),
                new JwtIssuerValidator(settings.issuer().toString()),
                new JwtClaimValidator<List<String>>(
                        JwtClaimNames.AUD,
                        aud -> aud != null && aud.stream().anyMatch(settings.audiences()::contains))));
        return new RevocationCheck(
                verified.inFrontOf(decoder),
                revocationList,
                redis,
                availability,
                meters,
                settings.revocationMaxStaleness());
    }

    /**
     * The JWKS client: from {@code meridian.gateway.jwt.jwk-set-uri} ({@code MERIDIAN_JWK_SET_URI}; deployments pin it
     * to auth-service's own address), or through discovery for {@code lb://auth-service/...} (local runs). Fetched
     * again for an unknown {@code kid} at most once per {@code jwk-set-min-refresh-interval} ({@link JwkSetFetches}).
     * Bounded in time: a key-set fetch that does not answer fails the request after 2 s instead of holding it open.
     * The {@code typ} header is checked by the validator above (Nimbus' own check would accept only {@code JWT}).
     */
    private static NimbusReactiveJwtDecoder jwkSet(
            JwtSettings settings, ReactorLoadBalancerExchangeFilterFunction discovery) {
        URI uri = settings.jwkSetUri();
        var client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create()
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000)
                        .responseTimeout(Duration.ofSeconds(2))));
        boolean viaDiscovery = "lb".equals(uri.getScheme());
        if (viaDiscovery) {
            client.filter(discovery);
        }
        String url = viaDiscovery ? "http" + uri.toString().substring("lb".length()) : uri.toString();
        return NimbusReactiveJwtDecoder.withJwkSource(
                        new JwkSetFetches(client.build(), url, settings.jwkSetMinRefreshInterval()))
                .validateType(false)
                .build();
    }
}
