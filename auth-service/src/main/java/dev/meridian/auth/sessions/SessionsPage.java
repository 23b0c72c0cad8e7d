package dev.meridian.auth.sessions;

import dev.meridian.auth.sessions.Sessions.Session;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The signed-in user's sessions as a page: each with its client, sign-in time and place, and a "sign out" button;
 * "sign out everywhere" ends them all and this browser's sign-in too. Plain forms (POST with the CSRF token Thymeleaf
 * adds), so it works without JavaScript. Another user's session id gets the same 404 page as an unknown one.
 */
@Controller
class SessionsPage {

    private final Sessions sessions;

    SessionsPage(Sessions sessions) {
        this.sessions = sessions;
    }

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** A session as the page shows it. */
    record Row(String id, String client, String signedIn, String lastUsed, String address, String userAgent) {

        static Row of(Session session) {
            return new Row(
                    session.id(),
                    session.clientName() != null ? session.clientName() : session.clientId(),
                    session.signedInAt() == null ? "unknown" : TIME.format(session.signedInAt()),
                    session.lastUsedAt() == null ? "never" : TIME.format(session.lastUsedAt()),
                    session.address() == null ? "unknown address" : session.address(),
                    session.userAgent() == null ? "unknown browser or app" : session.userAgent());
        }
    }

    @GetMapping("/account/sessions")
    String list(Principal principal, Model model) {
        model.addAttribute(
                "sessions", sessions.of(user(principal)).stream().map(Row::of).toList());
        return "sessions";
    }

    @PostMapping("/account/sessions/{id}/end")
    String end(Principal principal, @PathVariable String id, Model model, HttpServletResponse response) {
        UUID user = user(principal);
        if (!sessions.revoke(user, id, user)) {
            response.setStatus(HttpStatus.NOT_FOUND.value());
            model.addAttribute("notFound", true);
            return list(principal, model);
        }
        return "redirect:/account/sessions?ended";
    }

    @PostMapping("/account/sessions/end-all")
    String endAll(Authentication authentication, HttpServletRequest request, HttpServletResponse response) {
        UUID user = user(authentication);
        sessions.revokeAll(user, Optional.empty(), user);
        // Everywhere includes this browser: otherwise its sign-in could start new sessions without the password.
        new SecurityContextLogoutHandler().logout(request, response, authentication);
        // Not /login?logout: the login page is open to a signed-out browser only without a query (form login's
        // permitAll is an exact match), and this browser is now signed out.
        return "redirect:/login";
    }

    /** The login session's principal is the user id (login/UserServiceLogin). */
    private static UUID user(Principal principal) {
        return UUID.fromString(principal.getName());
    }
}
