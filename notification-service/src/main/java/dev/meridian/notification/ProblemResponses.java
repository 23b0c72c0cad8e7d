package dev.meridian.notification;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as an RFC 9457 problem: Spring MVC's own (bad parameters, unknown paths, wrong method) through
 * {@link ResponseEntityExceptionHandler}, anything unexpected as a 500 that says nothing of its cause (which is
 * logged here), and whatever reaches the container's error page (a request the firewall rejected, an error outside
 * Spring MVC) through {@link ErrorPage} instead of Spring Boot's JSON or HTML.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    @ExceptionHandler
    ResponseEntity<ProblemDetail> unexpected(Exception e, WebRequest request) {
        log.error("Unexpected error answering {}", request.getDescription(false), e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setTitle(status.getReasonPhrase());
        if (status.is5xxServerError()) {
            problem.setDetail("The request could not be completed");
        }
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** The container's error page: only the status, as a problem; the message may hold internals. */
    @RestController
    static class ErrorPage implements ErrorController {

        @RequestMapping("${server.error.path:${error.path:/error}}")
        ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
            Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
            HttpStatus status = code instanceof Integer value ? HttpStatus.resolve(value) : null;
            return problem(status == null || status.value() < 400 ? HttpStatus.INTERNAL_SERVER_ERROR : status);
        }
    }
}
