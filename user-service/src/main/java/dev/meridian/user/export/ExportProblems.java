package dev.meridian.user.export;

import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * What stops an export, each an RFC 9457 problem naming the {@code part} (sessions, deliveries, auditEntries) it is
 * about. Spring MVC writes them as they are ({@link ErrorResponseException}), Retry-After included; the
 * problem-responses starter adds the trace id.
 */
final class ExportProblems {

    static final String TYPES = "https://meridian.dev/problems/";

    private ExportProblems() {}

    /** The part's service is down, too slow, failing, or its breaker is open: no export rather than half of one. */
    static final class PartUnavailable extends ErrorResponseException {
        PartUnavailable(String part, Duration retryAfter) {
            super(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    problem(
                            HttpStatus.SERVICE_UNAVAILABLE,
                            "export-unavailable",
                            "Export unavailable",
                            "The " + part + " of the export cannot be gathered now; nothing was exported. Try again"
                                    + " later.",
                            part),
                    null);
            getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
    }

    /** The part's service refused the relayed token (e.g. not meant for it): the caller cannot export with it. */
    static final class PartRefused extends ErrorResponseException {
        PartRefused(String part) {
            super(
                    HttpStatus.FORBIDDEN,
                    problem(
                            HttpStatus.FORBIDDEN,
                            "export-refused",
                            "Export refused",
                            "The service holding the " + part + " does not accept this access token; sign in with a"
                                    + " client whose tokens are meant for user-, audit- and notification-service.",
                            part),
                    null);
        }
    }

    /** More entries than one export gathers ({@code meridian.export.max-entries}). */
    static final class TooLarge extends ErrorResponseException {
        TooLarge(String part, int max) {
            super(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    problem(
                            HttpStatus.UNPROCESSABLE_CONTENT,
                            "export-too-large",
                            "Export too large",
                            "The account has more than " + max + " " + part + "; this export serves at most that many."
                                    + " Ask the operator for a full export.",
                            part),
                    null);
        }
    }

    /** A service answered entries of another account: nothing of it may be exported, and it is logged as an error. */
    static final class ForeignData extends ErrorResponseException {
        ForeignData(String part) {
            super(
                    HttpStatus.BAD_GATEWAY,
                    problem(
                            HttpStatus.BAD_GATEWAY,
                            "export-unavailable",
                            "Export unavailable",
                            "The " + part + " could not be gathered correctly; nothing was exported.",
                            part),
                    null);
        }
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail, String part) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPES + type));
        problem.setTitle(title);
        problem.setProperty("part", part);
        return problem;
    }
}
