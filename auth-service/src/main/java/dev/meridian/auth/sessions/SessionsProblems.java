package dev.meridian.auth.sessions;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The sessions API's errors as RFC 9457 problems, Spring MVC's own (a wrong method, a malformed user id) included.
 * Scoped to {@link SessionsApi}: the pages render their own errors.
 */
@RestControllerAdvice(assignableTypes = SessionsApi.class)
class SessionsProblems extends ResponseEntityExceptionHandler {

    @ExceptionHandler
    ProblemDetail noSuchSession(SessionsApi.NoSuchSession e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail notAUser(SessionsApi.NotAUser e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, e.getMessage());
    }
}
