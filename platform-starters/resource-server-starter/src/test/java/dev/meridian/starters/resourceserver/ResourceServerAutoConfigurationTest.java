package dev.meridian.starters.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.starters.accesstoken.AccessTokenTypeAutoConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.client.RestTemplate;

class ResourceServerAutoConfigurationTest {

    private static final String ISSUER = "spring.security.oauth2.resourceserver.jwt.issuer-uri=http://localhost:8080";
    private static final String AUDIENCE = "spring.security.oauth2.resourceserver.jwt.audiences=things-service";
    /** Nothing is fetched from it unless a token is decoded. */
    private static final String FIXED_JWKS =
            "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:1/oauth2/jwks";

    private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    JacksonAutoConfiguration.class,
                    SecurityAutoConfiguration.class,
                    ServletWebSecurityAutoConfiguration.class,
                    OAuth2ResourceServerAutoConfiguration.class,
                    AccessTokenTypeAutoConfiguration.class,
                    ResourceServerAutoConfiguration.class))
            .withPropertyValues(ISSUER, AUDIENCE, FIXED_JWKS);

    @Test
    void aServletApplicationBecomesAResourceServerOnBootsOwnDecoder() {
        servlet.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(SecurityFilterChain.class);
            assertThat(context).hasBean("resourceServerSecurityFilterChain");
            assertThat(context.getBean(JwtDecoder.class)).isInstanceOf(NimbusJwtDecoder.class);
            assertThat(context).hasSingleBean(JwtAuthenticationConverter.class);
            assertThat(context).hasSingleBean(ResourceServerProblems.class);
            assertThat(context).hasSingleBean(AuthorizationRules.class);
            assertThat(context).hasBean(ResourceServerAutoConfiguration.EXPIRY_REQUIRED);
            assertThat(context.getBean(ResourceServerProperties.class).clockSkew())
                    .hasSeconds(30);
            assertThat(context.getBean(StepUp.class).acrValues()).containsExactly(StepUp.MFA);
        });
    }

    @Test
    void theAcrValuesAStepUpAsksForAreSetByProperty() {
        servlet.withPropertyValues(
                        "meridian.resource-server.step-up.acr-values=urn:example:acr:phr,urn:meridian:acr:mfa")
                .run(context -> {
                    StepUp stepUp = context.getBean(StepUp.class);
                    assertThat(stepUp.acrValues()).containsExactly("urn:example:acr:phr", StepUp.MFA);
                    assertThat(stepUp.challenge()).endsWith("acr_values=\"urn:example:acr:phr urn:meridian:acr:mfa\"");
                });
        servlet.withPropertyValues("meridian.resource-server.step-up.acr-values=")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void theTimestampCheckIsThisStartersWithItsClockSkew() {
        servlet.withPropertyValues("meridian.resource-server.clock-skew=10s").run(context -> {
            assertThat(context).hasSingleBean(JwtTimestampValidator.class);
            assertThat(context.getBean(ResourceServerProperties.class).clockSkew())
                    .hasSeconds(10);
        });
    }

    @Test
    void switchedOffItLeavesTheApplicationToBoot() {
        servlet.withPropertyValues("meridian.resource-server.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean("resourceServerSecurityFilterChain");
            assertThat(context).doesNotHaveBean(ResourceServerProblems.class);
            assertThat(context).doesNotHaveBean(AuthorizationRules.class);
            assertThat(context).hasBean("jwtSecurityFilterChain"); // Boot's own
        });
    }

    @Test
    void itBacksOffFromTheApplicationsOwnFilterChainAndBeans() {
        servlet.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(SecurityFilterChain.class);
            assertThat(context).hasBean("ownChain");
            assertThat(context.getBean(JwtAuthenticationConverter.class)).isSameAs(OwnBeans.CONVERTER);
            assertThat(context.getBean(AuthorizationRules.class)).isSameAs(OwnBeans.RULES);
            assertThat(context.getBean(StepUp.class)).isSameAs(OwnBeans.STEP_UP);
        });
    }

    @Test
    void theServicesRulesAreAppliedByTheStartersChain() {
        servlet.withUserConfiguration(OwnRules.class).run(context -> {
            assertThat(context).hasBean("resourceServerSecurityFilterChain");
            assertThat(OwnRules.applied).isTrue();
        });
    }

    @Test
    void withoutAnIssuerOrAnAudienceTheApplicationDoesNotStart() {
        new WebApplicationContextRunner()
                .withConfiguration(servletAutoConfigurations())
                .withPropertyValues(AUDIENCE, FIXED_JWKS)
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("issuer-uri"));
        new WebApplicationContextRunner()
                .withConfiguration(servletAutoConfigurations())
                .withPropertyValues(ISSUER, FIXED_JWKS)
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("audiences"));
    }

    @Test
    void withoutAJwksAddressTheApplicationDoesNotStart() {
        new WebApplicationContextRunner()
                .withConfiguration(servletAutoConfigurations())
                .withPropertyValues(ISSUER, AUDIENCE)
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("jwk-set-uri"));
    }

    @Test
    void aJwksAddressThroughDiscoveryGetsALoadBalancedClient() {
        servlet.withPropertyValues(
                        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=lb://auth-service/oauth2/jwks")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasBean(ResourceServerAutoConfiguration.JwksThroughDiscovery.CLIENT);
                    assertThat(context.getBean(
                                            ResourceServerAutoConfiguration.JwksThroughDiscovery.CLIENT,
                                            RestTemplate.class)
                                    .getInterceptors())
                            .hasAtLeastOneElementOfType(DiscoveryScheme.class);
                });
    }

    @Test
    void withoutSpringCloudThereIsNoDiscoveryClient() {
        servlet.withClassLoader(new FilteredClassLoader(LoadBalanced.class)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(ResourceServerAutoConfiguration.JwksThroughDiscovery.CLIENT);
        });
    }

    @Test
    void settingsOutsideTheirBoundsStopTheApplication() {
        servlet.withPropertyValues("meridian.resource-server.clock-skew=5m")
                .run(context -> assertThat(context).hasFailed());
        servlet.withPropertyValues("meridian.resource-server.verified-token-cache-size=0")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void aReactiveOrNonWebApplicationGetsNothingFromThisStarter() {
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ResourceServerAutoConfiguration.class))
                .withPropertyValues(ISSUER, AUDIENCE, FIXED_JWKS)
                .run(context -> assertThat(context).doesNotHaveBean(ResourceServerProblems.class));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ResourceServerAutoConfiguration.class))
                .withPropertyValues(ISSUER, AUDIENCE, FIXED_JWKS)
                .run(context -> assertThat(context).doesNotHaveBean(ResourceServerProblems.class));
    }

    private static AutoConfigurations servletAutoConfigurations() {
        return AutoConfigurations.of(
                JacksonAutoConfiguration.class,
                SecurityAutoConfiguration.class,
                ServletWebSecurityAutoConfiguration.class,
                OAuth2ResourceServerAutoConfiguration.class,
                ResourceServerAutoConfiguration.class);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {

        static final JwtAuthenticationConverter CONVERTER = new JwtAuthenticationConverter();
        static final AuthorizationRules RULES =
                requests -> requests.anyRequest().denyAll();

        @Bean
        SecurityFilterChain ownChain(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().denyAll())
                    .build();
        }

        @Bean
        JwtAuthenticationConverter converter() {
            return CONVERTER;
        }

        @Bean
        AuthorizationRules rules() {
            return RULES;
        }

        static final StepUp STEP_UP = new StepUp(List.of("urn:example:acr:phr"));

        @Bean
        StepUp ownStepUp() {
            return STEP_UP;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRules {

        static volatile boolean applied;

        @Bean
        AuthorizationRules rules() {
            return requests -> {
                applied = true;
                OwnBeans.RULES.apply(requests);
            };
        }
    }
}
