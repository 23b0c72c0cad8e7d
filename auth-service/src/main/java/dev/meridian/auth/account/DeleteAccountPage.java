package dev.meridian.auth.account;

import dev.meridian.auth.account.AccountCalls.Gone;
import dev.meridian.auth.account.AccountCalls.Rejected;
import dev.meridian.auth.account.AccountDeletion.Reauthentication;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;

/**
 * {@code /account/delete}: the signed-in user deletes their account (GDPR Art. 17). A plain form (works without
 * JavaScript) with the CSRF token of the sign-in's session, asking for the current password again — re-authentication
 * as for a credential change, checked and throttled by user-service — and a confirmation box. On success this
 * browser is signed out; user-service's {@code UserDeleted} then ends every other session and the other services
 * forget the user.
 */
@Controller
class DeleteAccountPage {

    static final String PATH = "/account/delete";

    private final AccountDeletion deletion;
    private final AccountCalls calls;

    DeleteAccountPage(AccountDeletion deletion, AccountCalls calls) {
        this.deletion = deletion;
        this.calls = calls;
    }

    @GetMapping(PATH)
    ModelAndView form() {
        return form(List.of(), HttpStatus.OK);
    }

    @PostMapping(PATH)
    ModelAndView delete(
            @RequestParam(defaultValue = "") String currentPassword,
            @RequestParam(defaultValue = "false") boolean confirmed,
            Authentication authentication,
            HttpServletRequest request,
            HttpServletResponse response) {
        if (!confirmed) {
            return form(List.of("Tick the box to confirm that the account should be deleted."), HttpStatus.BAD_REQUEST);
        }
        if (currentPassword.isEmpty()) {
            return form(List.of("Type your current password."), HttpStatus.BAD_REQUEST);
        }
        // The login session's principal is the user id (login/UserServiceLogin).
        UUID user = UUID.fromString(authentication.getName());
        try {
            calls.call("account-deletion", () -> deletion.delete(user, new Reauthentication(currentPassword)));
        } catch (Rejected wrongOrMissing) {
            return form(List.of("That is not your current password."), HttpStatus.FORBIDDEN);
        } catch (Gone alreadyDeleted) {
            // Deleted meanwhile (another tab, an administrator): the same outcome for this browser.
        }
        new SecurityContextLogoutHandler().logout(request, response, authentication);
        return Outcome.page(
                HttpStatus.OK,
                "Account deleted",
                "Your account and its sign-in are gone, and every device was signed out. You can sign up again with the"
                        + " same address as a new account.");
    }

    private static ModelAndView form(List<String> errors, HttpStatus status) {
        var page = new ModelAndView("account/delete", status);
        page.addObject("errors", errors);
        return page;
    }
}
