package dev.meridian.audit.security;

import dev.meridian.starters.resourceserver.AuthorizationRules;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The whole API is for administrators: the {@code roles} claim of an access token from auth-service must hold
 * {@code ADMIN}; nothing else is served. The resource-server starter does the rest.
 */
@Configuration(proxyBeanMethods = false)
class SecurityRules {

    @Bean
    AuthorizationRules auditServiceRules() {
        return requests -> requests.requestMatchers("/api/audit/**")
                .hasRole("ADMIN")
                .anyRequest()
                .denyAll();
    }
}
