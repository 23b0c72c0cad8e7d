package dev.meridian.auth.account;

import dev.meridian.auth.account.AccountCalls.InvalidLink;
import dev.meridian.auth.account.AccountCalls.Rejected;
import dev.meridian.auth.account.UserAccounts.Verification;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;

/**
 * {@code /account/verify}: the mailed link opens a page with a button, and only its POST verifies — mail scanners
 * fetch links before the person does, and a GET that spent the token would leave the person a dead link. The same
 * page takes the mailed code with the address (for a mail read on another device).
 */
@Controller
@RequestMapping("/account/verify")
class VerificationPage {

    private final UserAccounts accounts;
    private final AccountCalls calls;

    VerificationPage(UserAccounts accounts, AccountCalls calls) {
        this.accounts = accounts;
        this.calls = calls;
    }

    @GetMapping
    ModelAndView page(@RequestParam(required = false) String token) {
        if (token != null && !LinkTokens.wellFormed(token)) {
            return invalid();
        }
        var page = new ModelAndView("account/verify");
        page.addObject("token", token);
        return page;
    }

    @PostMapping
    ModelAndView verifyLink(@RequestParam(defaultValue = "") String token) {
        if (!LinkTokens.wellFormed(token)) {
            return invalid();
        }
        return verify(new Verification(token, null, null));
    }

    @PostMapping("/code")
    ModelAndView verifyCode(
            @RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String code) {
        return verify(new Verification(null, email.strip(), code.strip()));
    }

    private ModelAndView verify(Verification verification) {
        try {
            calls.call("email-verification", () -> accounts.verify(verification));
        } catch (InvalidLink | Rejected e) {
            return invalid();
        }
        return Outcome.page(
                HttpStatus.OK,
                "Address confirmed",
                "Thank you: your email address is confirmed. You can close this page or go back to the app.");
    }

    private static ModelAndView invalid() {
        return Outcome.page(
                HttpStatus.BAD_REQUEST,
                "This link or code does not work",
                "It may have expired, been used already, or been replaced by a newer mail. Sign in to your app and ask"
                        + " for a new confirmation mail — or request a password reset: its link confirms the address too.",
                Outcome.FORGOT_PASSWORD,
                "Send me a new link");
    }
}
