package dev.meridian.user;

import dev.meridian.user.account.AccountProblems.AccountNotFound;
import dev.meridian.user.account.AccountProblems.CurrentPasswordRequired;
import dev.meridian.user.account.AccountProblems.EmailAlreadyTaken;
import dev.meridian.user.account.AccountProblems.NotAllowed;
import dev.meridian.user.account.AccountProblems.StaleVersion;
import dev.meridian.user.account.AccountProblems.WeakPassword;
import dev.meridian.user.account.AccountProblems.WrongCurrentPassword;
import dev.meridian.user.config.ProblemTraces;
import dev.meridian.user.config.RequestBodyLimit;
import dev.meridian.user.config.RequestBodyLimit.BodyTooLarge;
import dev.meridian.user.password.LoginThrottle;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as an RFC 9457 problem with the request's {@code traceId}: Spring MVC's own (malformed JSON, bad ids,
 * wrong method or media type) through {@link ResponseEntityExceptionHandler}, the account rules below, and anything
 * unexpected as a plain 500 (logged with its stack trace here, never sent). Validation problems list each field.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler implements ResponseBodyAdvice<Object> {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

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
        return withFieldError(problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage()), "password", e);
    }

    @ExceptionHandler
    ProblemDetail currentPasswordRequired(CurrentPasswordRequired e) {
        return withFieldError(
                problem(HttpStatus.BAD_REQUEST, "Invalid request", "currentPassword " + e.getMessage()),
                "currentPassword",
                e);
    }

    @ExceptionHandler
    ProblemDetail wrongCurrentPassword(WrongCurrentPassword e) {
        return withFieldError(
                problem(HttpStatus.FORBIDDEN, "Current password not confirmed", "currentPassword " + e.getMessage()),
                "currentPassword",
                e);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> locked(LoginThrottle.Locked e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(
                        HttpHeaders.RETRY_AFTER,
                        String.valueOf(Math.max(1, e.retryAfter().toSeconds())))
                .body(problem(HttpStatus.TOO_MANY_REQUESTS, "Sign-in locked", e.getMessage()));
    }

    @ExceptionHandler
    ProblemDetail unexpected(Exception e) {
        log.error("Unexpected failure", e);
        return problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "Internal Server Error",
                "Something went wrong on our side; quote the traceId when reporting it");
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

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    /** Every problem this application writes, Spring MVC's own included, gets the trace id on its way out. */
    @Override
    public @Nullable Object beforeBodyWrite(
            @Nullable Object body,
            MethodParameter returnType,
            MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType,
            ServerHttpRequest request,
            ServerHttpResponse response) {
        return body instanceof ProblemDetail problem ? ProblemTraces.traced(problem) : body;
    }

    private static ProblemDetail withFieldError(ProblemDetail problem, String field, RuntimeException e) {
        problem.setProperty("errors", List.of(Map.of("field", field, "message", e.getMessage())));
        return problem;
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
