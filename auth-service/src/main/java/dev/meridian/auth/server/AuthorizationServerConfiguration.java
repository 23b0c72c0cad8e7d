package dev.meridian.auth.server;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.meridian.auth.keys.KeySettings;
import dev.meridian.auth.keys.SigningKeys;
import dev.meridian.auth.login.CurrentRoles;
import dev.meridian.auth.login.EmailVerifiedClaim;
import dev.meridian.auth.secondfactor.SecondFactors;
import dev.meridian.auth.sessions.SecurityEvents;
import dev.meridian.auth.sessions.SignInRecords;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.MessageDigestPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2AccessTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Spring Authorization Server with everything it keeps in PostgreSQL: registered clients, authorizations (so issued
 * tokens survive restarts and are revocable on every replica), consents, and signing keys ({@link SigningKeys}).
 * Access tokens carry {@code aud} = the resource servers the client's registration names, and the user's
 * {@code roles}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({AuthSettings.class, KeySettings.class})
class AuthorizationServerConfiguration {

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServer(
            HttpSecurity http,
            RegisteredClientRepository clients,
            OAuth2AuthorizationService authorizations,
            AuthorizationServerSettings endpoints,
            Clock clock)
            throws Exception {
        var publicClients = new ClientIdAuthentication(clients, endpoints);
        http.oauth2AuthorizationServer(server -> {
                    http.securityMatcher(server.getEndpointsMatcher());
                    server.oidc(oidc -> oidc.logoutEndpoint(
                                    logout -> logout.logoutResponseHandler(new RevokingLogout(authorizations)))
                            .userInfoEndpoint(userInfo -> userInfo.userInfoMapper(EmailVerifiedClaim.userInfo())));
                    server.deviceAuthorizationEndpoint(Customizer.withDefaults());
                    server.deviceVerificationEndpoint(Customizer.withDefaults());
                    // Ahead of Spring's own converters, in this order; PKCE code exchanges stay Spring's.
                    server.clientAuthentication(authentication -> authentication
                            .authenticationConverter(new CodeVerifierRules(endpoints))
                            .authenticationConverter(publicClients)
                            .authenticationProvider(publicClients));
                })
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                // prompt=login and max_age, ahead of Spring's authorization endpoint, which handles prompt=none only.
                .addFilterAfter(
                        new FreshSignIn(endpoints.getAuthorizationEndpoint(), clock), SecurityContextHolderFilter.class)
                // The OIDC UserInfo endpoint takes the access tokens this server issued (accessTokens below).
                .oauth2ResourceServer(resource -> resource.jwt(Customizer.withDefaults()))
                // Only a person's browser, on the pages a person opens, is sent to sign in. Clients talking to the
                // token, introspection, revocation and device authorization endpoints (curl and Node's fetch send
                // Accept: */*, which "matches" text/html) get RFC 6749 section 5.2 JSON when no client
                // authentication took their request.
                .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
                                invalidClient(), clientEndpoints(endpoints))
                        .defaultAuthenticationEntryPointFor(
                                new LoginUrlAuthenticationEntryPoint("/login"),
                                new AndRequestMatcher(
                                        browserEndpoints(endpoints), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
                        // A password sign-in of a user with an authenticator app gets no code until its second step.
                        .defaultDeniedHandlerForMissingAuthority(SecondFactors.challengePage(), SecondFactors.TOTP));
        return http.build();
    }

    private static RequestMatcher clientEndpoints(AuthorizationServerSettings endpoints) {
        var paths = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(
                paths.matcher(endpoints.getTokenEndpoint()),
                paths.matcher(endpoints.getTokenIntrospectionEndpoint()),
                paths.matcher(endpoints.getTokenRevocationEndpoint()),
                paths.matcher(endpoints.getDeviceAuthorizationEndpoint()));
    }

    private static RequestMatcher browserEndpoints(AuthorizationServerSettings endpoints) {
        var paths = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(
                paths.matcher(endpoints.getAuthorizationEndpoint()),
                paths.matcher(endpoints.getDeviceVerificationEndpoint()));
    }

    /** RFC 6749 section 5.2: no client authentication took the request, so the client is unknown to it. */
    private static AuthenticationEntryPoint invalidClient() {
        var json = new OAuth2ErrorHttpMessageConverter();
        return (request, response, failure) -> {
            var answer = new ServletServerHttpResponse(response);
            answer.setStatusCode(HttpStatus.UNAUTHORIZED);
            json.write(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT), null, answer);
        };
    }

    @Bean
    @Order(2)
    SecurityFilterChain login(HttpSecurity http) throws Exception {
        // The CSRF-protected login form of the authorization code flow; users are checked at user-service.
        return http.authorizeHttpRequests(
                        requests -> requests.requestMatchers("/actuator/**", "/livez", "/readyz", "/error")
                                .permitAll()
                                .anyRequest()
                                .authenticated())
                .formLogin(form -> form.loginPage("/login").permitAll())
                .exceptionHandling(errors -> errors.defaultDeniedHandlerForMissingAuthority(
                        SecondFactors.challengePage(), SecondFactors.TOTP))
                .build();
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(AuthSettings settings) {
        return AuthorizationServerSettings.builder()
                .issuer(settings.issuer().toString())
                .build();
    }

    @Bean
    RegisteredClientRepository registeredClients(JdbcOperations jdbc) {
        return new JdbcRegisteredClientRepository(jdbc);
    }

    @Bean
    OAuth2AuthorizationService authorizations(
            JdbcOperations jdbc,
            JdbcClient sql,
            RegisteredClientRepository clients,
            AuthSettings settings,
            StringRedisTemplate redis,
            SecurityEvents events,
            MeterRegistry meters) {
        var store = new RevocationList(new JdbcOAuth2AuthorizationService(jdbc, clients), redis, meters);
        // Outermost: where each session was signed in from, kept when its authorization is first saved.
        return new SignInRecords(new RefreshTokenFamilies(store, sql, settings.refreshTokenTtl(), meters, events), sql);
    }

    @Bean
    OAuth2AuthorizationConsentService consents(JdbcOperations jdbc, RegisteredClientRepository clients) {
        return new JdbcOAuth2AuthorizationConsentService(jdbc, clients);
    }

    @Bean
    JWKSource<SecurityContext> publishedKeys(SigningKeys keys) {
        return keys.published();
    }

    @Bean
    JwtEncoder jwtEncoder(SigningKeys keys) {
        return new NimbusJwtEncoder(keys.signingKey());
    }

    /**
     * Spring's stock generators, with refresh tokens for public clients ({@link PublicClientRefreshTokens}). Being a
     * bean, it replaces the generator Spring would build, so the claims customizer is set here, and the binding
     * claims Spring's own customizer adds are not: {@code cnf} for DPoP and mutual-TLS bound tokens (neither is
     * offered: the gateway and the services take bearer tokens only) and {@code act} for token exchange (no client
     * is registered for it).
     */
    @Bean
    OAuth2TokenGenerator<OAuth2Token> tokenGenerator(
            JwtEncoder encoder, OAuth2TokenCustomizer<JwtEncodingContext> claims, Clock clock) {
        var jwts = new JwtGenerator(encoder);
        jwts.setJwtCustomizer(claims);
        return new DelegatingOAuth2TokenGenerator(
                jwts, new OAuth2AccessTokenGenerator(), new PublicClientRefreshTokens(clock));
    }

    /**
     * The OIDC UserInfo endpoint's decoder: this server's own keys and issuer, and only access tokens
     * ({@code typ: at+jwt}, RFC 9068; an ID token, typed {@code JWT} or untyped, is refused, RFC 8725 section 3.11).
     */
    @Bean
    JwtDecoder accessTokens(JWKSource<SecurityContext> publishedKeys, AuthSettings settings) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(publishedKeys).build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(
                new JwtTypeValidator("at+jwt", "application/at+jwt"),
                new JwtIssuerValidator(settings.issuer().toString())));
        return decoder;
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> clientAudienceAndRoles(CurrentRoles currentRoles) {
        return context -> {
            EmailVerifiedClaim.addTo(context); // ID and access tokens
            SecondFactors.addClaims(context); // amr and acr, ID and access tokens
            if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                return;
            }
            context.getJwsHeader().type("at+jwt"); // RFC 9068 section 2.1; ID tokens stay untyped JWTs
            // RFC 9068 (JWT access tokens): the client the token was issued to; the gateway's rate limits key on it.
            context.getClaims().claim("client_id", context.getRegisteredClient().getClientId());
            String audiences =
                    context.getRegisteredClient().getClientSettings().getSetting(ConfiguredClients.AUDIENCES);
            if (audiences != null) {
                // Mutable collections: the claims are stored as JSON whose type allow-list refuses List.of's classes.
                context.getClaims().audience(new ArrayList<>(List.of(audiences.split(" "))));
            }
            // On a refresh grant, asked of user-service again: a deactivated user's refresh fails here.
            Set<String> roles = currentRoles.of(context.getPrincipal(), context.getAuthorizationGrantType());
            if (!roles.isEmpty()) {
                context.getClaims().claim("roles", roles);
            }
        };
    }

    /**
     * For client secrets only (user passwords are checked at user-service). Client secrets are long random strings,
     * not passwords people choose, so a salted SHA-256 is enough; bcrypt cost ~40 ms of CPU on every token request
     * (measured: 23 client_credentials tokens/s on two cores, two thirds of the time in BCrypt). Secrets stored
     * with bcrypt still match, and are re-hashed on their next use.
     */
    @Bean
    @SuppressWarnings("deprecation") // MessageDigestPasswordEncoder: deprecated for passwords, right for random secrets
    PasswordEncoder clientSecretEncoder() {
        return new DelegatingPasswordEncoder(
                "SHA-256",
                Map.of("SHA-256", new MessageDigestPasswordEncoder("SHA-256"), "bcrypt", new BCryptPasswordEncoder()));
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
