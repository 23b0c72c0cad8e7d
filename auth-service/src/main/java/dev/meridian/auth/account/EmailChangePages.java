package dev.meridian.auth.account;

import dev.meridian.auth.account.AccountCalls.Conflict;
import dev.meridian.auth.account.AccountCalls.InvalidLink;
import dev.meridian.auth.account.AccountCalls.Rejected;
import dev.meridian.auth.account.UserAccounts.LinkToken;
import java.util.function.Consumer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;

/**
 * The two links of an email change: {@code /account/email-change?token=} (mailed to the new address) applies it, and
 * {@code /account/email-change/cancel?token=} (mailed to the old one, "this wasn't me") cancels it and locks further
 * changes until the owner resets or changes the password. Each GET shows a button; only its POST acts.
 */
@Controller
class EmailChangePages {

    private final UserAccounts accounts;
    private final AccountCalls calls;

    EmailChangePages(UserAccounts accounts, AccountCalls calls) {
        this.accounts = accounts;
        this.calls = calls;
    }

    @GetMapping("/account/email-change")
    ModelAndView confirmPage(@RequestParam(required = false) String token) {
        return button(
                token,
                "Confirm your new address",
                "Confirm that this address should become the one your account uses.",
                "/account/email-change",
                "Use this address");
    }

    @PostMapping("/account/email-change")
    ModelAndView confirm(@RequestParam(defaultValue = "") String token) {
        try {
            spend(token, "email-change-confirm", accounts::confirmEmailChange);
        } catch (Conflict e) {
            return Outcome.page(
                    HttpStatus.CONFLICT,
                    "This address is taken",
                    "Another account uses this address now, so your account keeps its current one.");
        }
        return Outcome.page(
                HttpStatus.OK, "Address changed", "Your account uses this address from now on. Sign in with it.");
    }

    @GetMapping("/account/email-change/cancel")
    ModelAndView cancelPage(@RequestParam(required = false) String token) {
        return button(
                token,
                "Stop this email change",
                "Someone asked to move your account to another address. If it was not you, stop it here: further"
                        + " changes of the address are then locked until you reset your password.",
                "/account/email-change/cancel",
                "Stop the change");
    }

    @PostMapping("/account/email-change/cancel")
    ModelAndView cancel(@RequestParam(defaultValue = "") String token) {
        spend(token, "email-change-cancel", accounts::cancelEmailChange);
        return Outcome.page(
                HttpStatus.OK,
                "Email change stopped",
                "Your account keeps its address, every device was signed out, and changes of the address are locked."
                        + " Reset your password to unlock them.",
                Outcome.FORGOT_PASSWORD,
                "Reset my password");
    }

    private void spend(String token, String what, Consumer<LinkToken> call) {
        if (!LinkTokens.wellFormed(token)) {
            throw new InvalidLink();
        }
        try {
            calls.call(what, () -> call.accept(new LinkToken(token)));
        } catch (Rejected e) {
            throw new InvalidLink();
        }
    }

    private static ModelAndView button(String token, String title, String message, String action, String label) {
        if (!LinkTokens.wellFormed(token)) {
            return invalid();
        }
        var page = new ModelAndView("account/confirm");
        page.addObject("title", title);
        page.addObject("message", message);
        page.addObject("action", action);
        page.addObject("token", token);
        page.addObject("label", label);
        return page;
    }

    @org.springframework.web.bind.annotation.ExceptionHandler
    ModelAndView invalidLink(InvalidLink e) {
        return invalid();
    }

    private static ModelAndView invalid() {
        return Outcome.page(
                HttpStatus.BAD_REQUEST,
                "This link does not work",
                "It may have expired (links work for 24 hours), been used already, or belong to a change that was"
                        + " stopped. Start the change again from your account if you still want it.");
    }
}
