package dev.meridian.starters.problems;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler.TracingContext;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * Puts the request's W3C trace id on a problem ({@code traceId}): the one thing a client can quote that leads to
 * the server's logs and trace of its request, in place of any stack trace or exception name, which never leave.
 *
 * <p>Read from the request's observation, which Spring's {@link ServerHttpObservationFilter} keeps on the request:
 * it is there in controllers, in filters inside the observation filter (Spring Security's), and on the container's
 * error dispatch, where the request's span is no longer current. Without an observation or a tracer, no
 * {@code traceId}.
 */
public final class ProblemTraces {

    static final String TRACE_ID = "traceId";

    private ProblemTraces() {}

    public static ProblemDetail traced(ProblemDetail problem, HttpServletRequest request) {
        ServerHttpObservationFilter.findObservationContext(request)
                .map(context -> context.<TracingContext>get(TracingContext.class))
                .map(TracingContext::getSpan)
                .map(Span::context)
                .ifPresent(span -> problem.setProperty(TRACE_ID, span.traceId()));
        return problem;
    }
}
