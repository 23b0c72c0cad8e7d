package dev.meridian.auth.account;

import dev.meridian.auth.account.AccountCalls.Conflict;
import dev.meridian.auth.account.AccountCalls.Rejected;
import dev.meridian.auth.account.UserAccounts.SignUp;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;

/**
 * {@code /account/sign-up}: the form posts to user-service's sign-up. Whatever it accepts ends on the same "check your
 * mail" page, for a new and a registered address alike (user-service mails the owner of a registered one), so the page
 * tells nobody who has an account. Rules broken (password policy) show on the form again.
 */
@Controller
@RequestMapping("/account/sign-up")
class SignUpPage {

    private final UserAccounts accounts;
    private final AccountCalls calls;

    SignUpPage(UserAccounts accounts, AccountCalls calls) {
        this.accounts = accounts;
        this.calls = calls;
    }

    @GetMapping
    String form() {
        return "account/sign-up";
    }

    @PostMapping
    ModelAndView signUp(
            @RequestParam(defaultValue = "") String name,
            @RequestParam(defaultValue = "") String email,
            @RequestParam(defaultValue = "") String password,
            Model model) {
        try {
            calls.call("sign-up", () -> accounts.signUp(new SignUp(email.strip(), name.strip(), password)));
        } catch (Rejected e) {
            return again(name, email, e.messages(), HttpStatus.BAD_REQUEST);
        } catch (Conflict e) {
            // Only when user-service is configured to reveal registered addresses
            // (meridian.sign-up.reveal-existing-email).
            return again(name, email, List.of("An account with this email already exists."), HttpStatus.CONFLICT);
        }
        return Outcome.page(
                HttpStatus.OK,
                "Check your mail",
                "We sent a message to the address you gave. Follow its link, or type its code, to confirm the address.",
                "/account/verify",
                "I have a code");
    }

    private static ModelAndView again(String name, String email, List<String> errors, HttpStatus status) {
        var page = new ModelAndView("account/sign-up", status);
        page.addObject("name", name);
        page.addObject("email", email);
        page.addObject("errors", errors);
        return page;
    }
}
