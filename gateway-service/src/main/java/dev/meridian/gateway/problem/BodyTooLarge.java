package dev.meridian.gateway.problem;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A chunked request body grew past the limit while it was being passed on: the client's fault, answered with a 413
 * by {@link RequestSizeLimit} — not a failure of the service it was going to (the route guard passes it on).
 */
public final class BodyTooLarge extends ResponseStatusException {

    BodyTooLarge(long maxBytes) {
        super(HttpStatus.CONTENT_TOO_LARGE, "The request body is larger than the " + maxBytes + " bytes accepted");
    }

    /** Whether {@code error} is this, or was caused by it (the proxying client may wrap what its body emitted). */
    public static boolean in(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLarge) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    static BodyTooLarge from(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLarge tooLarge) {
                return tooLarge;
            }
        }
        throw new IllegalArgumentException("not caused by BodyTooLarge", error);
    }
}
