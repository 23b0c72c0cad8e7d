package dev.meridian.starters.accesstoken;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

class AccessTokenAutoConfigurationTest {

    /** Redis at an address where nothing listens: the beans are built, nothing needs to answer. */
    private static final String NO_REDIS = "spring.data.redis.url=redis://127.0.0.1:1";

    private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DataRedisAutoConfiguration.class,
                    AccessTokenTypeAutoConfiguration.class,
                    RevocationListAutoConfiguration.class))
            .withPropertyValues(NO_REDIS);

    @Test
    void aServletResourceServerWithRedisGetsTheRevocationListAndTheTypeCheck() {
        servlet.run(context -> {
            assertThat(context).hasSingleBean(RevocationList.class);
            assertThat(context).hasSingleBean(RedisRevocationListSync.class);
            assertThat(context).hasSingleBean(RevocationListValidator.class);
            assertThat(context).hasBean(AccessTokenTypeAutoConfiguration.VALIDATOR);
            assertThat(context.getBean(RevocationListProperties.class).resyncInterval())
                    .hasSeconds(30);
        });
    }

    @Test
    void withoutRedisThereIsNoRevocationListButStillTheTypeCheck() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        AccessTokenTypeAutoConfiguration.class, RevocationListAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).doesNotHaveBean(RevocationList.class);
                    assertThat(context).doesNotHaveBean(RevocationListValidator.class);
                    assertThat(context).hasBean(AccessTokenTypeAutoConfiguration.VALIDATOR);
                });
    }

    @Test
    void aReactiveOrNonWebApplicationGetsNoRevocationListFromThisStarter() {
        var autoConfigurations =
                AutoConfigurations.of(DataRedisAutoConfiguration.class, RevocationListAutoConfiguration.class);
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(autoConfigurations)
                .withPropertyValues(NO_REDIS)
                .run(context -> assertThat(context).doesNotHaveBean(RevocationList.class));
        new ApplicationContextRunner()
                .withConfiguration(autoConfigurations)
                .withPropertyValues(NO_REDIS)
                .run(context -> assertThat(context).doesNotHaveBean(RevocationList.class));
    }

    @Test
    void theRevocationListCanBeSwitchedOff() {
        servlet.withPropertyValues("meridian.revocation-list.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(RevocationList.class);
            assertThat(context).doesNotHaveBean(RevocationListValidator.class);
        });
    }

    @Test
    void settingsOutsideTheirBoundsStopTheApplication() {
        servlet.withPropertyValues("meridian.revocation-list.resync-interval=0s")
                .run(context -> assertThat(context).hasFailed());
        servlet.withPropertyValues("meridian.revocation-list.lookup-timeout=0ms")
                .run(context -> assertThat(context).hasFailed());
        servlet.withPropertyValues("meridian.access-token.types=")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void eachBeanGivesWayToOneTheApplicationDefines() {
        servlet.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).getBean(RevocationList.class).isSameAs(OwnBeans.COPY);
            assertThat(context.getBean(AccessTokenTypeAutoConfiguration.VALIDATOR))
                    .isSameAs(OwnBeans.TYPE_CHECK);
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTypeCheckAdmitsAtJwtOnlyAndRefusesIdTokensAndUntypedJwts() {
        servlet.run(context -> {
            var typeCheck = (OAuth2TokenValidator<Jwt>) context.getBean(AccessTokenTypeAutoConfiguration.VALIDATOR);

            assertThat(typeCheck.validate(typed("at+jwt")).hasErrors()).isFalse();
            assertThat(typeCheck.validate(typed("application/at+jwt")).hasErrors())
                    .isFalse();
            assertThat(typeCheck.validate(typed("JWT")).hasErrors()).isTrue();
            assertThat(typeCheck.validate(typed(null)).hasErrors()).isTrue();
            assertThat(typeCheck.validate(typed("JWT")).getErrors())
                    .allSatisfy(error -> assertThat(error.getErrorCode()).isEqualTo("invalid_token"));
        });
    }

    private static Jwt typed(String type) {
        var jwt = Jwt.withTokenValue("token").header("alg", "RS256").subject("someone");
        if (type != null) {
            jwt.header("typ", type);
        }
        return jwt.build();
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {

        static final RevocationList COPY = new RevocationList(Clock.systemUTC(), new SimpleMeterRegistry());
        static final OAuth2TokenValidator<Jwt> TYPE_CHECK = jwt -> null;

        @Bean
        RevocationList myRevocationList() {
            return COPY;
        }

        @Bean(AccessTokenTypeAutoConfiguration.VALIDATOR)
        OAuth2TokenValidator<Jwt> myTypeCheck() {
            return TYPE_CHECK;
        }
    }
}
