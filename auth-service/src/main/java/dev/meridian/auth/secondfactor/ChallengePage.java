package dev.meridian.auth.secondfactor;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.WebAttributes;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The second step of sign-in: the authenticator app's code, the user's passkey (a button whose script asks the
 * browser for it and posts the assertion to Spring's {@code /login/webauthn}), or a recovery code instead. The forms
 * post to {@link SecondFactorLogin} with their CSRF token; why the last attempt failed is read back as the login page does.
 */
@Controller
class ChallengePage {

    private final TotpFactors apps;
    private final Passkeys passkeys;

    ChallengePage(TotpFactors apps, Passkeys passkeys) {
        this.apps = apps;
        this.passkeys = passkeys;
    }

    @GetMapping(SecondFactorLogin.PATH)
    String challenge(Authentication signedIn, HttpServletRequest request, Model model) {
        UUID user = SecondFactors.userId(signedIn);
        boolean app = apps.enrolled(user);
        boolean passkey = passkeys.registered(user);
        if (SecondFactors.secondDone(signedIn) || !(app || passkey)) {
            return "redirect:" + EnrolmentPage.PATH; // nothing owed
        }
        model.addAttribute("app", app);
        model.addAttribute("passkey", passkey);
        HttpSession session = request.getSession(false);
        Object failure = session == null ? null : session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        if (request.getParameter("error") != null && failure instanceof AuthenticationException e) {
            model.addAttribute("error", e.getMessage());
        }
        model.addAttribute("recovery", request.getParameter("recovery") != null);
        return "second-factor/challenge";
    }
}
