package dev.meridian.user;

import dev.meridian.starters.problems.MvcProblems;
import dev.meridian.starters.resourceserver.StepUp;
import dev.meridian.user.account.AccountProblems.AccountNotFound;
import dev.meridian.user.account.AccountProblems.AlreadyVerified;
import dev.meridian.user.account.AccountProblems.CurrentPasswordRequired;
import dev.meridian.user.account.AccountProblems.EmailAlreadyTaken;
import dev.meridian.user.account.AccountProblems.EmailChangeLocked;
import dev.meridian.user.account.AccountProblems.EmailChangeNeedsConfirmation;
import dev.meridian.user.account.AccountProblems.EmailNotVerified;
import dev.meridian.user.account.AccountProblems.LastAdministrator;
import dev.meridian.user.account.AccountProblems.NotAllowed;
import dev.meridian.user.account.AccountProblems.StaleVersion;
import dev.meridian.user.account.AccountProblems.WeakPassword;
import dev.meridian.user.account.AccountProblems.WrongCurrentPassword;
import dev.meridian.user.account.Caller.SecondFactorRequired;
import dev.meridian.user.onetime.OneTimeProblems.InvalidLink;
import dev.meridian.user.onetime.OneTimeProblems.LinkGone;
import dev.meridian.user.onetime.OneTimeProblems.TooManyRequests;
import dev.meridian.user.password.LoginThrottle;
import dev.meridian.user.web.RequestBodyLimit;
import dev.meridian.user.web.RequestBodyLimit.BodyTooLarge;
import java.net.URI;
import java.time.Duration;
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

/**
 * user-service's own problems: the account rules below, and Spring MVC's (malformed JSON, bad ids, wrong method or
 * media type) through the problem-responses starter's {@link MvcProblems}, whose validation problems here list each
 * field and whose unreadable-body problems tell an oversized body apart. Being this application's only
 * {@code ResponseEntityExceptionHandler}, it replaces the starter's own one; the starter still answers
 * whatever no handler here takes (a 500 naming no cause, a 400 for a value the database cannot hold), the container's
 * error page, and puts the request's {@code traceId} on every problem, these included.
 */
@RestControllerAdvice
class ProblemResponses extends MvcProblems {

    /**
     * Where the account lifecycle's problem types live; clients (auth-service's pages) tell the cases apart by the
     * last segment.
     */
    static final String PROBLEM_TYPES = "https://meridian.dev/problems/";

    private final StepUp stepUp;

    ProblemResponses(StepUp stepUp) {
        this.stepUp = stepUp;
    }

    /** As the starter answers a step-up at the filter: 403 with RFC 9470's challenge naming the acr to ask for. */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> secondFactorRequired(SecondFactorRequired e) {
        return ResponseEntity.status(HttpStatus.FORBIDDEN)
                .header(HttpHeaders.WWW_AUTHENTICATE, stepUp.challenge())
                .body(typed(
                        problem(HttpStatus.FORBIDDEN, "Second factor required", e.getMessage()),
                        "second-factor-required"));
    }

    @ExceptionHandler
    ProblemDetail invalidLink(InvalidLink e) {
        return typed(problem(HttpStatus.BAD_REQUEST, "Invalid link", e.getMessage()), "invalid-link");
    }

    @ExceptionHandler
    ProblemDetail linkGone(LinkGone e) {
        return typed(problem(HttpStatus.GONE, "Link gone", e.getMessage()), "link-gone");
    }

    @ExceptionHandler
    ProblemDetail emailNotVerified(EmailNotVerified e) {
        return typed(problem(HttpStatus.FORBIDDEN, "Email not verified", e.getMessage()), "email-not-verified");
    }

    @ExceptionHandler
    ProblemDetail alreadyVerified(AlreadyVerified e) {
        return typed(problem(HttpStatus.CONFLICT, "Already verified", e.getMessage()), "already-verified");
    }

    @ExceptionHandler
    ProblemDetail emailChangeLocked(EmailChangeLocked e) {
        return typed(problem(HttpStatus.LOCKED, "Email change locked", e.getMessage()), "email-change-locked");
    }

    @ExceptionHandler
    ProblemDetail emailChangeNeedsConfirmation(EmailChangeNeedsConfirmation e) {
        return typed(
                withFieldError(
                        problem(HttpStatus.BAD_REQUEST, "Invalid request", "email " + e.getMessage()), "email", e),
                "email-change-needs-confirmation");
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> tooManyRequests(TooManyRequests e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, retryAfter(e.retryAfter()))
                .body(typed(problem(HttpStatus.TOO_MANY_REQUESTS, "Too many requests", e.getMessage()), "throttled"));
    }

    @ExceptionHandler
    ProblemDetail emailTaken(EmailAlreadyTaken e) {
        return problem(HttpStatus.CONFLICT, "Email already taken", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail notFound(AccountNotFound e) {
        return problem(HttpStatus.NOT_FOUND, "Account not found", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail lastAdministrator(LastAdministrator e) {
        return typed(problem(HttpStatus.CONFLICT, "Last administrator", e.getMessage()), "last-administrator");
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

    private static String retryAfter(Duration wait) {
        return String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000));
    }

    private static ProblemDetail typed(ProblemDetail problem, String type) {
        problem.setType(URI.create(PROBLEM_TYPES + type));
        return problem;
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
