package dev.meridian.starters.problems;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * A servlet service answers every error as an RFC 9457 problem carrying the request's {@code traceId} and nothing of
 * its internals: the container's error page ({@link ErrorPageProblems}, in place of Spring Boot's
 * {@code BasicErrorController}), Spring MVC's own exceptions ({@link MvcProblems}, unless the application has its own
 * {@link ResponseEntityExceptionHandler}: only one may handle them), what no handler of the application took
 * ({@link UnexpectedProblems}: a client's value the database cannot hold is a 400, anything else a 500), and the
 * {@code traceId} on all of them, the application's own problems included ({@link ProblemTraceIds}).
 *
 * <p>Runs before Spring Boot's MVC and error auto-configurations so that theirs ({@code ProblemDetailsExceptionHandler},
 * {@code BasicErrorController}) give way. Off with {@code meridian.problems.enabled=false}; each bean gives way to one
 * the application defines.
 */
@AutoConfiguration(before = {ErrorMvcAutoConfiguration.class, WebMvcAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty(name = "meridian.problems.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ProblemResponsesProperties.class)
public final class ProblemResponsesAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ErrorController.class)
    ErrorPageProblems errorPageProblems() {
        return new ErrorPageProblems();
    }

    @Bean
    @ConditionalOnMissingBean(ResponseEntityExceptionHandler.class)
    MvcProblems mvcProblems() {
        return new MvcProblems();
    }

    @Bean
    @ConditionalOnMissingBean
    UnexpectedProblems unexpectedProblems() {
        return new UnexpectedProblems();
    }

    @Bean
    @ConditionalOnMissingBean
    ProblemTraceIds problemTraceIds() {
        return new ProblemTraceIds();
    }
}
