package dev.meridian.user.config;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error page: what failed outside any controller (a request Spring Security's firewall rejects, an
 * exception from a filter) is answered as a problem too, in place of Spring Boot's {@code BasicErrorController} JSON.
 * Only the status and a fixed text are told; the exception is logged, never sent.
 */
@RestController
class ErrorProblems implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ErrorProblems.class);

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        HttpStatus status = status(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE));
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable failure) {
            log.error("Request {} failed", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), failure);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                status,
                status.is5xxServerError()
                        ? "Something went wrong on our side; quote the traceId when reporting it"
                        : "The request could not be handled: " + status.getReasonPhrase());
        problem.setTitle(status.getReasonPhrase());
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemTraces.traced(problem, request));
    }

    private static HttpStatus status(Object code) {
        HttpStatus status = code instanceof Integer value ? HttpStatus.resolve(value) : null;
        return status == null ? HttpStatus.INTERNAL_SERVER_ERROR : status;
    }
}
