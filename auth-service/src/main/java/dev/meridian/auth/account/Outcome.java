package dev.meridian.auth.account;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.ModelAndView;

/** A page that says how a request ended, with the status it ended in and, where there is one, what to do next. */
final class Outcome {

    static final String FORGOT_PASSWORD = "/account/forgot-password";

    private Outcome() {}

    static ModelAndView page(HttpStatus status, String title, String message) {
        return page(status, title, message, null, null);
    }

    static ModelAndView page(HttpStatus status, String title, String message, String next, String nextLabel) {
        var model = new java.util.HashMap<String, Object>(Map.of("title", title, "message", message));
        if (next != null) {
            model.put("next", next);
            model.put("nextLabel", nextLabel);
        }
        return new ModelAndView("account/outcome", model, status);
    }
}
