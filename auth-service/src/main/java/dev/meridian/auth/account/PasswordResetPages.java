package dev.meridian.auth.account;

import dev.meridian.auth.account.AccountCalls.InvalidLink;
import dev.meridian.auth.account.AccountCalls.Rejected;
import dev.meridian.auth.account.UserAccounts.Reset;
import dev.meridian.auth.account.UserAccounts.ResetRequest;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;

/**
 * {@code /account/forgot-password} answers the same page for every address (user-service answers 202 for all, and
 * throttles per email silently), so it tells nobody whether an address has an account (OWASP Forgot Password Cheat
 * Sheet). {@code /account/reset-password?token=} takes the new password twice; the link's token travels in the form,
 * and a password the policy refuses leaves the token usable for the next try.
 */
@Controller
class PasswordResetPages {

    private final UserAccounts accounts;
    private final AccountCalls calls;

    PasswordResetPages(UserAccounts accounts, AccountCalls calls) {
        this.accounts = accounts;
        this.calls = calls;
    }

    @GetMapping("/account/forgot-password")
    String forgotPassword() {
        return "account/forgot-password";
    }

    @PostMapping("/account/forgot-password")
    ModelAndView requestReset(@RequestParam(defaultValue = "") String email) {
        try {
            calls.call("password-reset", () -> accounts.requestReset(new ResetRequest(email.strip())));
        } catch (Rejected e) {
            // Not an address at all (a browser's type=email check skipped): says nothing about any account.
            var page = new ModelAndView("account/forgot-password", HttpStatus.BAD_REQUEST);
            page.addObject("email", email);
            page.addObject("errors", e.messages());
            return page;
        }
        return Outcome.page(
                HttpStatus.OK,
                "Check your mail",
                "If an account uses this address, we sent it a link to choose a new password. The link works once, for"
                        + " 30 minutes.");
    }

    @GetMapping("/account/reset-password")
    ModelAndView resetForm(@RequestParam(required = false) String token) {
        if (!LinkTokens.wellFormed(token)) {
            return invalid();
        }
        return form(token, List.of(), HttpStatus.OK);
    }

    @PostMapping("/account/reset-password")
    ModelAndView reset(
            @RequestParam(defaultValue = "") String token,
            @RequestParam(defaultValue = "") String password,
            @RequestParam(defaultValue = "") String confirmation) {
        if (!LinkTokens.wellFormed(token)) {
            return invalid();
        }
        if (!password.equals(confirmation)) {
            return form(token, List.of("The two passwords differ."), HttpStatus.BAD_REQUEST);
        }
        try {
            calls.call("password-reset-confirm", () -> accounts.reset(new Reset(token, password)));
        } catch (InvalidLink e) {
            return invalid();
        } catch (Rejected e) {
            return form(token, e.messages(), HttpStatus.BAD_REQUEST);
        }
        return Outcome.page(
                HttpStatus.OK,
                "Password changed",
                "Your new password is set, and every device that was signed in has been signed out. Sign in again with"
                        + " the new password.");
    }

    private static ModelAndView form(String token, List<String> errors, HttpStatus status) {
        var page = new ModelAndView("account/reset-password", status);
        page.addObject("token", token);
        page.addObject("errors", errors);
        return page;
    }

    private static ModelAndView invalid() {
        return Outcome.page(
                HttpStatus.BAD_REQUEST,
                "This link does not work",
                "Reset links work once and for 30 minutes, and only the newest one does. Ask for a new one.",
                Outcome.FORGOT_PASSWORD,
                "Send me a new link");
    }
}
