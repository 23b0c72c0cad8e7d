package dev.meridian.auth.account;

import dev.meridian.auth.account.AccountCalls.Conflict;
import dev.meridian.auth.account.AccountCalls.Rejected;
import dev.meridian.auth.account.AccountCalls.TooManyRequests;
import dev.meridian.auth.account.AccountCalls.Unavailable;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/** What every account page shows when user-service throttles the request or cannot answer: a page, never a trace. */
@ControllerAdvice(basePackageClasses = AccountProblems.class)
class AccountProblems {

    @ExceptionHandler
    ModelAndView tooMany(TooManyRequests e, HttpServletResponse response) {
        long seconds = Math.max(1, e.retryAfter().toSeconds());
        response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
        String wait = seconds < 120 ? seconds + " seconds" : (seconds + 59) / 60 + " minutes";
        return Outcome.page(
                HttpStatus.TOO_MANY_REQUESTS,
                "Please wait a moment",
                "There have been too many requests like this one. Please wait " + wait + " and try again.");
    }

    /** A rule broken that the page did not expect (its own forms say which field): a 400 page, not a 500. */
    @ExceptionHandler
    ModelAndView rejected(Rejected e) {
        return Outcome.page(HttpStatus.BAD_REQUEST, "The request was not accepted", String.join(" ", e.messages()));
    }

    @ExceptionHandler
    ModelAndView conflict(Conflict e) {
        return Outcome.page(
                HttpStatus.CONFLICT, "The request was not accepted", "It conflicts with the account as it is now.");
    }

    @ExceptionHandler
    ModelAndView unavailable(Unavailable e, HttpServletResponse response) {
        response.setHeader(HttpHeaders.RETRY_AFTER, "30");
        return Outcome.page(
                HttpStatus.SERVICE_UNAVAILABLE,
                "Temporarily unavailable",
                "Your request could not be handled right now. Nothing has changed; please try again in a moment.");
    }
}
