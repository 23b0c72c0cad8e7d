package dev.meridian.starters.problems;

import jakarta.servlet.http.HttpServletRequest;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * What no handler of the application took. A client's value the database cannot hold — the failure's cause chain
 * holds an {@link SQLException} of SQLState class {@code 22}, "data exception" (a datetime or number out of range,
 * text that is no valid value of the column's type) — is the client's error, a 400. A database that cannot be
 * reached at the moment — no connection to be had from the pool in time ({@link SQLTransientConnectionException}),
 * a connection refused or broken (class {@code 08}, or JDBC's own {@link SQLNonTransientConnectionException} and
 * {@link SQLRecoverableException}), the server shutting down or starting up (class {@code 57}), a commit or rollback
 * on a connection the pool already closed because it broke (HikariCP's "Connection is closed", which carries no
 * SQLState; PostgreSQL rolls back what such a connection held) — is
 * a 503 with {@code Retry-After}: nothing is wrong with the request, and the same request a moment later may succeed
 * (the fault run saw PostgreSQL restarts answer 500s, which told clients the opposite). Anything else is a 500 that
 * says nothing of its cause, logged here with its stack trace.
 *
 * <p>Lowest precedence: the application's own advice, which Spring asks first (its beans are registered before
 * auto-configured ones, and an order of its own can only be higher), keeps its specific handlers.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
final class UnexpectedProblems {

    static final String VALUE_OUT_OF_RANGE = "A value in the request is outside what can be stored";

    private static final Logger log = LoggerFactory.getLogger(UnexpectedProblems.class);

    /** SQL:2016's class 22: the value, not the statement or the server, is at fault. */
    private static final String DATA_EXCEPTION = "22";

    /** SQL:2016's class 08, "connection exception", and PostgreSQL's 57, "operator intervention" (shutdown, start-up). */
    private static final List<String> UNAVAILABLE = List.of("08", "57");

    static final String DATABASE_UNAVAILABLE =
            "The service's database cannot be reached at the moment; try again shortly";

    /** Seconds a client should wait before trying again: a pool reconnects within a few. */
    static final String RETRY_AFTER = "2";

    /** Bounds the walk along a cause chain, which nothing stops from being a cycle. */
    private static final int MAX_CAUSES = 32;

    /** HikariCP's answer from a connection proxy it closed (the pool evicted the broken connection under it). */
    private static final String POOL_CLOSED_CONNECTION = "Connection is closed";

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        SQLException dataException = dataException(e);
        if (dataException != null) {
            // The value itself stays out of the log as it stays out of the answer: only where, and which kind.
            log.info(
                    "Request {} holds a value the database cannot store (SQLState {})",
                    request.getRequestURI(),
                    dataException.getSQLState());
            return Problems.of(HttpStatus.BAD_REQUEST, VALUE_OUT_OF_RANGE);
        }
        ResponseEntity<ProblemDetail> unavailable =
                databaseUnavailable(e, request.getMethod() + " " + request.getRequestURI());
        if (unavailable != null) {
            return unavailable;
        }
        log.error("Unexpected failure answering {} {}", request.getMethod(), request.getRequestURI(), e);
        return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, Problems.SERVER_FAILURE);
    }

    /**
     * The 503 problem, with {@code Retry-After}, when the failure says the database cannot be reached now (logged as a
     * warning: which request, which kind of failure); null for any other failure.
     */
    static ResponseEntity<ProblemDetail> databaseUnavailable(Throwable failure, String answering) {
        SQLException unavailable = unavailable(failure);
        if (unavailable == null) {
            return null;
        }
        log.warn(
                "Database unavailable answering {}: {} (SQLState {})",
                answering,
                unavailable.getClass().getSimpleName(),
                unavailable.getSQLState());
        ResponseEntity<ProblemDetail> problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE);
        return ResponseEntity.status(problem.getStatusCode())
                .headers(problem.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER)
                .body(problem.getBody());
    }

    /** The failure's cause that says the database cannot be reached now, or null. */
    private static SQLException unavailable(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof SQLRecoverableException) {
                return (SQLException) cause;
            }
            if (cause instanceof SQLException sql
                    && sql.getSQLState() == null
                    && POOL_CLOSED_CONNECTION.equals(sql.getMessage())) {
                return sql;
            }
            if (cause instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().length() >= 2
                    && UNAVAILABLE.contains(sql.getSQLState().substring(0, 2))) {
                return sql;
            }
        }
        return null;
    }

    private static SQLException dataException(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith(DATA_EXCEPTION)) {
                return sql;
            }
        }
        return null;
    }
}
