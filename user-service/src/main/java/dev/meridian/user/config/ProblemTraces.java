package dev.meridian.user.config;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.springframework.http.ProblemDetail;

/**
 * Puts the request's trace id on a problem ({@code traceId}), the one thing a client can quote that leads to the
 * server's logs and trace of its request — in place of any stack trace or exception name, which never leave.
 */
public final class ProblemTraces {

    private ProblemTraces() {}

    public static ProblemDetail traced(ProblemDetail problem) {
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            problem.setProperty("traceId", span.getTraceId());
        }
        return problem;
    }
}
