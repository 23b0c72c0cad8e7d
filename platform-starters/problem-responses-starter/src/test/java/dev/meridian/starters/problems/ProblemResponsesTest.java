package dev.meridian.starters.problems;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import jakarta.servlet.RequestDispatcher;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * The starter in a Spring MVC application with its own controller and advice, requests running in an observation
 * traced by OpenTelemetry's SDK (W3C propagation), as the services' requests do.
 */
class ProblemResponsesTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    private static final SdkTracerProvider TRACING = SdkTracerProvider.builder().build();

    private final WebApplicationContextRunner application = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    JacksonAutoConfiguration.class,
                    HttpMessageConvertersAutoConfiguration.class,
                    DispatcherServletAutoConfiguration.class,
                    WebMvcAutoConfiguration.class,
                    ErrorMvcAutoConfiguration.class,
                    ValidationAutoConfiguration.class,
                    ProblemResponsesAutoConfiguration.class))
            .withUserConfiguration(App.class);

    @AfterAll
    static void stopTracing() {
        TRACING.close();
    }

    @Test
    void anUnexpectedFailureIsA500ProblemThatSaysNothingOfItsCause() {
        application.run(context -> {
            var response = perform(context, get("/broken"))
                    .andExpect(status().isInternalServerError())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.status").value(500))
                    .andExpect(jsonPath("$.traceId").value(TRACE_ID));
            assertThat(body(response))
                    .doesNotContain("db-7", "refused", "IllegalState", "Exception", "java.", "at dev.");
        });
    }

    @Test
    void aValueTheDatabaseCannotHoldIsA400ProblemNotA500() {
        application.run(context -> {
            var response = perform(context, get("/too-far"))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.detail").value(UnexpectedProblems.VALUE_OUT_OF_RANGE))
                    .andExpect(jsonPath("$.traceId").value(TRACE_ID));
            assertThat(body(response)).doesNotContain("timestamp", "1000000000", "22008", "SQL", "Exception");
        });
    }

    @Test
    void aDatabaseThatCannotBeReachedIsA503ProblemWithRetryAfterNotA500() {
        application.run(context -> {
            for (String path : List.of(
                    "/database-down",
                    "/pool-exhausted",
                    "/database-shutting-down",
                    "/commit-on-closed-connection",
                    "/connection-gone")) {
                var response = perform(context, get(path))
                        .andExpect(status().isServiceUnavailable())
                        .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                        .andExpect(header().string("Retry-After", UnexpectedProblems.RETRY_AFTER))
                        .andExpect(jsonPath("$.detail").value(UnexpectedProblems.DATABASE_UNAVAILABLE))
                        .andExpect(jsonPath("$.traceId").value(TRACE_ID));
                assertThat(body(response)).doesNotContain("08006", "57P01", "db-7", "SQL", "Exception");
            }
        });
    }

    @Test
    void aDatabaseFailureOfAnotherClassIsStillA500() {
        application.run(context -> {
            var response = perform(context, get("/bad-statement")).andExpect(status().isInternalServerError());
            assertThat(body(response)).doesNotContain("42P01", "db-7", "SQL", "Exception");
            perform(context, get("/closed-result-set")).andExpect(status().isInternalServerError());
        });
    }

    @Test
    void theApplicationsOwnAdviceKeepsItsStatusAndGetsTheTraceId() {
        application.run(context -> perform(context, get("/taken"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.title").value("Name already taken"))
                .andExpect(jsonPath("$.traceId").value(TRACE_ID)));
    }

    @Test
    void springMvcsOwnExceptionsAreTheir4xxProblemsWithTheTraceIdNotA500() {
        application.run(context -> {
            perform(context, get("/numbers/not-a-number"))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.traceId").value(TRACE_ID));
            perform(context, post("/numbers/1"))
                    .andExpect(status().isMethodNotAllowed())
                    .andExpect(jsonPath("$.traceId").value(TRACE_ID));
            perform(context, get("/nowhere")).andExpect(status().isNotFound());
        });
    }

    @Test
    void aParameterThatBreaksItsConstraintIsNamedInThe400ProblemNotLeftAtValidationFailure() {
        application.run(context -> {
            perform(context, get("/pages?size=101"))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.detail").value("size must be less than or equal to 100"))
                    .andExpect(jsonPath("$.errors[0].field").value("size"))
                    .andExpect(jsonPath("$.errors[0].message").value("must be less than or equal to 100"))
                    .andExpect(jsonPath("$.traceId").value(TRACE_ID));
            // The name the client sent, where the annotation gives one other than the Java parameter's.
            perform(context, get("/pages?size=0&from=0"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.errors[*].field").value(contains("size", "from")));
            perform(context, get("/pages?size=100&from=1")).andExpect(status().isOk());
        });
    }

    @Test
    void theContainersErrorPageIsAProblemWithTheStatusOnlyNeverTheMessage() {
        application.run(context -> {
            var rejected = perform(
                            context,
                            get("/error")
                                    .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 400)
                                    .requestAttr(
                                            RequestDispatcher.ERROR_MESSAGE,
                                            "The request was rejected because the URL contained ;jsessionid"))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.status").value(400))
                    .andExpect(jsonPath("$.traceId").value(TRACE_ID));
            assertThat(body(rejected)).doesNotContain("jsessionid", "rejected");

            var failed = perform(
                            context,
                            get("/error")
                                    .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 500)
                                    .requestAttr(
                                            RequestDispatcher.ERROR_EXCEPTION,
                                            new IllegalStateException("filter broke on db-7")))
                    .andExpect(status().isInternalServerError())
                    .andExpect(jsonPath("$.status").value(500));
            assertThat(body(failed)).doesNotContain("db-7", "IllegalState", "Exception");

            var fromAFilter = perform(
                            context,
                            get("/error")
                                    .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 500)
                                    .requestAttr(
                                            RequestDispatcher.ERROR_EXCEPTION,
                                            new DataAccessResourceFailureException(
                                                    "db-7",
                                                    new SQLException(
                                                            "terminating connection due to administrator command",
                                                            "57P01"))))
                    .andExpect(status().isServiceUnavailable())
                    .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(header().string("Retry-After", UnexpectedProblems.RETRY_AFTER))
                    .andExpect(jsonPath("$.detail").value(UnexpectedProblems.DATABASE_UNAVAILABLE))
                    .andExpect(jsonPath("$.traceId").value(TRACE_ID));
            assertThat(body(fromAFilter)).doesNotContain("57P01", "db-7", "Exception");

            // Asked for directly, the page is no success.
            perform(context, get("/error")).andExpect(status().isInternalServerError());
        });
    }

    private static ResultActions perform(
            WebApplicationContext context,
            org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder request)
            throws Exception {
        MockMvc mvc = MockMvcBuilders.webAppContextSetup(context)
                .addFilters(new ServerHttpObservationFilter(tracedObservations()))
                .build();
        return mvc.perform(request.header("traceparent", TRACEPARENT));
    }

    private static ObservationRegistry tracedObservations() {
        var otel = TRACING.get("problem-responses-test");
        var tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {});
        var propagator = new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig()
                .observationHandler(new PropagatingReceiverTracingObservationHandler<>(tracer, propagator));
        return registry;
    }

    private static String body(ResultActions response) throws Exception {
        return response.andReturn().getResponse().getContentAsString();
    }

    static final class NameTaken extends RuntimeException {}

    @RestController
    static class Endpoints {

        @GetMapping("/broken")
        String broken() {
            throw new IllegalStateException("connection to db-7.internal refused");
        }

        @GetMapping("/too-far")
        String tooFar() {
            throw new DataIntegrityViolationException(
                    "PreparedStatementCallback; bad SQL",
                    new SQLException("ERROR: timestamp out of range: \"+1000000000-01-01T00:00:00Z\"", "22008"));
        }

        @GetMapping("/database-down")
        String databaseDown() {
            throw new DataAccessResourceFailureException(
                    "db-7 gone", new SQLException("Connection to db-7:5432 refused", "08006"));
        }

        /** As Hikari fails a borrower when no connection comes within its timeout, wrapped by Spring. */
        @GetMapping("/pool-exhausted")
        String poolExhausted() {
            throw new CannotGetJdbcConnectionException(
                    "Failed to obtain JDBC Connection",
                    new SQLTransientConnectionException(
                            "db-7 - Connection is not available, request timed out after 3000ms"));
        }

        /** What a connection in use gets when PostgreSQL is stopped (fast shutdown) under it. */
        @GetMapping("/database-shutting-down")
        String databaseShuttingDown() {
            throw new DataAccessResourceFailureException(
                    "db-7", new SQLException("terminating connection due to administrator command", "57P01"));
        }

        /** What a commit gets when the pool evicted the connection under the transaction (PostgreSQL restarted). */
        @GetMapping("/commit-on-closed-connection")
        String commitOnClosedConnection() {
            throw new TransactionSystemException(
                    "Could not commit JDBC transaction", new SQLException("Connection is closed"));
        }

        @GetMapping("/connection-gone")
        String connectionGone() {
            throw new RecoverableDataAccessException(
                    "db-7", new SQLRecoverableException("I/O error on db-7: connection reset"));
        }

        /** A closed result set, not a closed connection: no reason to expect a retry to help. */
        @GetMapping("/closed-result-set")
        String closedResultSet() {
            throw new TransactionSystemException(
                    "db-7", new SQLException("Connection is closed but not by the pool", "HY000"));
        }

        @GetMapping("/bad-statement")
        String badStatement() {
            throw new BadSqlGrammarException(
                    "query", "select * from db7", new SQLException("relation db7 does not exist", "42P01"));
        }

        @GetMapping("/taken")
        String taken() {
            throw new NameTaken();
        }

        @GetMapping("/pages")
        String pages(
                @RequestParam(defaultValue = "10") @Min(1) @Max(100) int size,
                @RequestParam(name = "from", defaultValue = "1") @Min(1) long fromVersion) {
            return size + " from " + fromVersion;
        }

        @GetMapping("/numbers/{number}")
        int number(@PathVariable int number) {
            return number;
        }
    }

    /** An application's own advice, without an order of its own, as user-service's domain handlers are. */
    @RestControllerAdvice
    static class AppProblems {

        @ExceptionHandler
        ProblemDetail taken(NameTaken e) {
            ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.CONFLICT);
            problem.setTitle("Name already taken");
            return problem;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class App {

        @Bean
        Endpoints endpoints() {
            return new Endpoints();
        }

        @Bean
        AppProblems appProblems() {
            return new AppProblems();
        }
    }
}
