package dev.meridian.starters.problems;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** The problems this starter writes itself: a status, its reason as the title, and a fixed text. */
final class Problems {

    static final String SERVER_FAILURE = "Something went wrong on our side; quote the traceId when reporting it";

    private Problems() {}

    static ResponseEntity<ProblemDetail> of(HttpStatus status, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status.getReasonPhrase());
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
