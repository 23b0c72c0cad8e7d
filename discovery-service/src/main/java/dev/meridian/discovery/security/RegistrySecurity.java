package dev.meridian.discovery.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The registry as Spring Cloud documents securing it ("Securing The Eureka Server"): Spring Security, HTTP Basic on
 * everything — registration, heartbeats, status changes, reads, peer replication and the dashboard — and CSRF
 * ignored for {@code /eureka/**}, which machines call. Only the probes and the actuator (health, info, metrics, as on
 * every service) stay open.
 */
@Configuration(proxyBeanMethods = false)
class RegistrySecurity {

    @Bean
    SecurityFilterChain registry(HttpSecurity http) throws Exception {
        var unauthorized = new UnauthorizedProblem();
        return http.authorizeHttpRequests(requests -> requests.requestMatchers("/livez", "/readyz", "/actuator/**")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .httpBasic(basic -> basic.realmName(UnauthorizedProblem.REALM).authenticationEntryPoint(unauthorized))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(unauthorized))
                .csrf(csrf -> csrf.ignoringRequestMatchers("/eureka/**"))
                // Every client sends its credentials on every call; a session would only be something to steal.
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }

    @Bean
    UserDetailsService registryAccount(RegistryCredentials credentials, PasswordEncoder encoder) {
        return new InMemoryUserDetailsManager(User.withUsername(credentials.username())
                .password(encoder.encode(credentials.password()))
                .roles("REGISTRY")
                .build());
    }

    /**
     * The password is a random machine secret, held only in memory, checked on every heartbeat of every instance
     * (each few seconds per instance): stretching it like a person's password (bcrypt, ~100 ms) would only burn CPU.
     * A light PBKDF2 still compares in constant time and never keeps the plain password around.
     */
    @Bean
    PasswordEncoder passwordEncoder() {
        return new Pbkdf2PasswordEncoder(
                "", 16, 1_000, Pbkdf2PasswordEncoder.SecretKeyFactoryAlgorithm.PBKDF2WithHmacSHA256);
    }
}
