package dev.meridian.starters.problems;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page: what failed outside any controller (a request Spring Security's firewall rejects, an
 * exception from a filter, an unknown path the container answers) is a problem too, in place of Spring Boot's
 * {@code BasicErrorController} JSON. Only the status and a fixed text are told — the error's message may hold
 * internals (the firewall's names the offending part of the URL); the exception is logged, never sent. A failure
 * because the database cannot be reached now (as {@link UnexpectedProblems} recognises it; e.g. from an OAuth 2
 * endpoint, which is a filter) is the same 503 problem with {@code Retry-After} as from a controller.
 */
@RestController
final class ErrorPageProblems implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ErrorPageProblems.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        HttpStatus status = status(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE));
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure) {
            ResponseEntity<ProblemDetail> unavailable = UnexpectedProblems.databaseUnavailable(
                    failure, String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)));
            if (unavailable != null) {
                return unavailable;
            }
            log.error("Request {} failed", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), failure);
        }
        return Problems.of(
                status,
                status.is5xxServerError()
                        ? Problems.SERVER_FAILURE
                        : "The request could not be handled: " + status.getReasonPhrase());
    }

    /** A status the container does not say, or one that is no error (the page asked for directly), is a 500. */
    private static HttpStatus status(Object code) {
        HttpStatus status = code instanceof Integer value ? HttpStatus.resolve(value) : null;
        return status == null || !status.isError() ? HttpStatus.INTERNAL_SERVER_ERROR : status;
    }
}
