package dev.meridian.starters.resourceserver;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

/**
 * A service's own rules for its requests, applied by the starter's {@code SecurityFilterChain} after the open paths
 * ({@link ResourceServerProperties#openPaths()}). They end with {@code anyRequest()}: what the service allows
 * everything else. Without such a bean, every other request needs a valid access token.
 *
 * <p>Authorities: the {@code scope} claim as {@code SCOPE_…}, the {@code roles} claim as {@code ROLE_…}.
 */
@FunctionalInterface
public interface AuthorizationRules {

    void apply(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry requests);
}
