package dev.meridian.starters.problems;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.BasicErrorController;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

class ProblemResponsesAutoConfigurationTest {

    private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    DispatcherServletAutoConfiguration.class,
                    WebMvcAutoConfiguration.class,
                    ErrorMvcAutoConfiguration.class,
                    ProblemResponsesAutoConfiguration.class))
            // As the services have it: Spring Boot's own problem handler would be the second one.
            .withPropertyValues("spring.mvc.problemdetails.enabled=true");

    @Test
    void aServletApplicationGetsEveryPartAndSpringBootsErrorAnswersGiveWay() {
        servlet.run(context -> {
            assertThat(context).hasSingleBean(ErrorController.class);
            assertThat(context).getBean(ErrorController.class).isInstanceOf(ErrorPageProblems.class);
            assertThat(context).doesNotHaveBean(BasicErrorController.class);
            assertThat(context).hasSingleBean(ResponseEntityExceptionHandler.class);
            assertThat(context).getBean(ResponseEntityExceptionHandler.class).isInstanceOf(MvcProblems.class);
            assertThat(context).hasSingleBean(UnexpectedProblems.class);
            assertThat(context).hasSingleBean(ProblemTraceIds.class);
            assertThat(context.getBean(ProblemResponsesProperties.class).enabled())
                    .isTrue();
        });
    }

    @Test
    void anApplicationWithItsOwnMvcExceptionHandlerKeepsItAsTheOnlyOne() {
        servlet.withUserConfiguration(OwnMvcHandler.class).run(context -> {
            assertThat(context).hasSingleBean(ResponseEntityExceptionHandler.class);
            assertThat(context).getBean(ResponseEntityExceptionHandler.class).isInstanceOf(AppProblems.class);
            assertThat(context).hasSingleBean(UnexpectedProblems.class);
            assertThat(context).hasSingleBean(ProblemTraceIds.class);
            assertThat(context).getBean(ErrorController.class).isInstanceOf(ErrorPageProblems.class);
        });
    }

    @Test
    void eachBeanGivesWayToOneTheApplicationDefines() {
        servlet.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).getBean(ErrorController.class).isSameAs(OwnBeans.ERROR_PAGE);
            assertThat(context).getBean(UnexpectedProblems.class).isSameAs(OwnBeans.UNEXPECTED);
            assertThat(context).getBean(ProblemTraceIds.class).isSameAs(OwnBeans.TRACE_IDS);
        });
    }

    @Test
    void theStarterCanBeSwitchedOffAndSpringBootAnswersAgain() {
        servlet.withPropertyValues("meridian.problems.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(ErrorPageProblems.class);
            assertThat(context).doesNotHaveBean(MvcProblems.class);
            assertThat(context).doesNotHaveBean(UnexpectedProblems.class);
            assertThat(context).doesNotHaveBean(ProblemTraceIds.class);
            assertThat(context).hasSingleBean(BasicErrorController.class);
            // Spring Boot's own (spring.mvc.problemdetails.enabled), package-private.
            assertThat(context).hasSingleBean(ResponseEntityExceptionHandler.class);
            assertThat(context).getBean(ResponseEntityExceptionHandler.class).isNotInstanceOf(MvcProblems.class);
        });
    }

    @Test
    void aReactiveOrNonWebApplicationGetsNothingFromThisStarter() {
        var autoConfigurations = AutoConfigurations.of(ProblemResponsesAutoConfiguration.class);
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(autoConfigurations)
                .run(context -> assertThat(context).doesNotHaveBean(UnexpectedProblems.class));
        new ApplicationContextRunner()
                .withConfiguration(autoConfigurations)
                .run(context -> assertThat(context).doesNotHaveBean(UnexpectedProblems.class));
    }

    @RestControllerAdvice
    static class AppProblems extends ResponseEntityExceptionHandler {}

    @Configuration(proxyBeanMethods = false)
    static class OwnMvcHandler {

        @Bean
        AppProblems appProblems() {
            return new AppProblems();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {

        static final ErrorController ERROR_PAGE = new ErrorController() {};
        static final UnexpectedProblems UNEXPECTED = new UnexpectedProblems();
        static final ProblemTraceIds TRACE_IDS = new ProblemTraceIds();

        @Bean
        ErrorController myErrorPage() {
            return ERROR_PAGE;
        }

        @Bean
        UnexpectedProblems myUnexpectedProblems() {
            return UNEXPECTED;
        }

        @Bean
        ProblemTraceIds myTraceIds() {
            return TRACE_IDS;
        }
    }
}
