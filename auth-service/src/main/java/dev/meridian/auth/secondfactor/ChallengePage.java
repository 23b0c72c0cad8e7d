package dev.meridian.auth.secondfactor;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.WebAttributes;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The second step of sign-in: the authenticator app's code, or a recovery code instead. The form posts to
 * {@link SecondFactorLogin} with its CSRF token; why the last attempt failed is read back as the login page does.
 */
@Controller
class ChallengePage {

    private final TotpFactors apps;

    ChallengePage(TotpFactors apps) {
        this.apps = apps;
    }

    @GetMapping(SecondFactorLogin.PATH)
    String challenge(Authentication signedIn, HttpServletRequest request, Model model) {
        if (SecondFactors.secondDone(signedIn) || !apps.enrolled(SecondFactors.userId(signedIn))) {
            return "redirect:" + EnrolmentPage.PATH; // nothing owed
        }
        HttpSession session = request.getSession(false);
        Object failure = session == null ? null : session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        if (request.getParameter("error") != null && failure instanceof AuthenticationException e) {
            model.addAttribute("error", e.getMessage());
        }
        model.addAttribute("recovery", request.getParameter("recovery") != null);
        return "second-factor/challenge";
    }
}
