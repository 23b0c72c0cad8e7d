package dev.meridian.user;

import dev.meridian.user.account.AccountProblems.AccountNotFound;
import dev.meridian.user.account.AccountProblems.EmailAlreadyTaken;
import dev.meridian.user.account.AccountProblems.NotAllowed;
import dev.meridian.user.account.AccountProblems.StaleVersion;
import dev.meridian.user.account.AccountProblems.WeakPassword;
import dev.meridian.user.config.RequestBodyLimit;
import dev.meridian.user.config.RequestBodyLimit.BodyTooLarge;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as an RFC 9457 problem: Spring MVC's own (malformed JSON, bad ids, wrong method or media type) through
 * {@link ResponseEntityExceptionHandler}, the account rules below. Validation problems list each field.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    @ExceptionHandler
    ProblemDetail emailTaken(EmailAlreadyTaken e) {
        return problem(HttpStatus.CONFLICT, "Email already taken", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail notFound(AccountNotFound e) {
        return problem(HttpStatus.NOT_FOUND, "Account not found", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail notAllowed(NotAllowed e) {
        return problem(HttpStatus.FORBIDDEN, "Not allowed", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail stale(StaleVersion e) {
        return problem(HttpStatus.PRECONDITION_FAILED, "Stale version", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail weakPassword(WeakPassword e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage());
        problem.setProperty("errors", List.of(Map.of("field", "password", "message", e.getMessage())));
        return problem;
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem =
                problem(HttpStatus.BAD_REQUEST, "Invalid request", "Some fields are missing or invalid");
        problem.setProperty(
                "errors",
                e.getBindingResult().getFieldErrors().stream()
                        .map(error -> Map.of(
                                "field", error.getField(),
                                "message", String.valueOf(error.getDefaultMessage())))
                        .toList());
        return ResponseEntity.badRequest().body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLarge tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                        .body(RequestBodyLimit.tooLarge(tooLarge.limit()));
            }
        }
        // Say what was wrong with the body (syntax, unknown field, wrong type) without echoing internals.
        String detail = e.getMostSpecificCause().getMessage();
        int newline = detail == null ? -1 : detail.indexOf('\n');
        return ResponseEntity.badRequest()
                .body(problem(
                        HttpStatus.BAD_REQUEST,
                        "Unreadable request body",
                        newline > 0 ? detail.substring(0, newline) : "The body is not the JSON this endpoint takes"));
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
