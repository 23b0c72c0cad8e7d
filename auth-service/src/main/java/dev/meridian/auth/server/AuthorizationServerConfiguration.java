package dev.meridian.auth.server;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.meridian.auth.keys.KeySettings;
import dev.meridian.auth.keys.SigningKeys;
import dev.meridian.auth.login.CurrentRoles;
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
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.MessageDigestPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

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
            HttpSecurity http, RegisteredClientRepository clients, OAuth2AuthorizationService authorizations)
            throws Exception {
        var deviceClients = new DeviceClientAuthentication(clients);
        http.oauth2AuthorizationServer(server -> {
                    http.securityMatcher(server.getEndpointsMatcher());
                    server.oidc(oidc -> oidc.logoutEndpoint(
                            logout -> logout.logoutResponseHandler(new RevokingLogout(authorizations))));
                    server.deviceAuthorizationEndpoint(Customizer.withDefaults());
                    server.deviceVerificationEndpoint(Customizer.withDefaults());
                    server.clientAuthentication(authentication -> authentication
                            .authenticationConverter(deviceClients)
                            .authenticationProvider(deviceClients));
                })
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                // The OIDC UserInfo endpoint takes the access tokens this server issued.
                .oauth2ResourceServer(resource -> resource.jwt(Customizer.withDefaults()))
                .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"),
                        new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
        return http.build();
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
        return new RefreshTokenFamilies(store, sql, settings.refreshTokenTtl(), meters, events);
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

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> clientAudienceAndRoles(CurrentRoles currentRoles) {
        return context -> {
            if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                return;
            }
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
