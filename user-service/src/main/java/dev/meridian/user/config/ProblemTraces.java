package dev.meridian.user.config;

import io.micrometer.tracing.handler.TracingObservationHandler.TracingContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * Puts the request's trace id on a problem ({@code traceId}), the one thing a client can quote that leads to the
 * server's logs and trace of its request — in place of any stack trace or exception name, which never leave.
 */
public final class ProblemTraces {

    private static final String TRACE_ID = "traceId";

    private ProblemTraces() {}

    /** While the request's span is current: in controllers and in filters inside the observation filter. */
    public static ProblemDetail traced(ProblemDetail problem) {
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            problem.setProperty(TRACE_ID, span.getTraceId());
        }
        return problem;
    }

    /**
     * On the container's error dispatch the request's span is no longer current, but its observation is still on
     * the request.
     */
    static ProblemDetail traced(ProblemDetail problem, HttpServletRequest request) {
        traced(problem);
        if (problem.getProperties() == null || !problem.getProperties().containsKey(TRACE_ID)) {
            ServerHttpObservationFilter.findObservationContext(request)
                    .map(context -> context.<TracingContext>get(TracingContext.class))
                    .filter(tracing -> tracing.getSpan() != null)
                    .ifPresent(tracing -> problem.setProperty(
                            TRACE_ID, tracing.getSpan().context().traceId()));
        }
        return problem;
    }
}
