package dev.meridian.notification.security;

import dev.meridian.starters.resourceserver.AuthorizationRules;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * The API is for administrators — the {@code roles} claim of an access token from auth-service must hold
 * {@code ADMIN} — but for {@code /api/notifications/me/**}, a user's own mails, which any access token meant for this
 * service reads (the controller takes the user from the token). Nothing else is served. The resource-server starter
 * does the rest.
 */
@Configuration(proxyBeanMethods = false)
class SecurityRules {

    @Bean
    AuthorizationRules notificationServiceRules() {
        return requests -> requests.requestMatchers(HttpMethod.GET, "/api/notifications/me/deliveries")
                .authenticated()
                .requestMatchers("/api/notifications/**")
                .hasRole("ADMIN")
                .anyRequest()
                .denyAll();
    }
}
