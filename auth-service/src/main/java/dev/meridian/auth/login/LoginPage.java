package dev.meridian.auth.login;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.WebAttributes;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The sign-in page of the authorization code flow. It says why the last attempt failed in the words of
 * {@link UserServiceLogin}: wrong email or password (never which), locked for a while, or sign-in unavailable.
 * The form posts to Spring Security's {@code /login} with the CSRF token Thymeleaf adds to it.
 */
@Controller
class LoginPage {

    @GetMapping("/login")
    String login(HttpServletRequest request, Model model) {
        HttpSession session = request.getSession(false);
        Object failure = session == null ? null : session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        if (request.getParameter("error") != null && failure instanceof AuthenticationException e) {
            model.addAttribute("error", e.getMessage());
        }
        return "login";
    }
}
