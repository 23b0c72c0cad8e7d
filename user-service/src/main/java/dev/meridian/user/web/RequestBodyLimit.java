package dev.meridian.user.web;

import dev.meridian.starters.problems.ProblemTraces;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses request bodies larger than any request of this API needs, before they are read: 413 at once when the
 * declared length is too large, and a {@link BodyTooLarge} failure (also 413) when a chunked body grows past it.
 */
@Component
// Right after Spring's HTTP observation filter (HIGHEST_PRECEDENCE + 1), so even a refused body has a trace id.
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
public class RequestBodyLimit extends OncePerRequestFilter {

    private final long limit;
    private final JsonMapper json;

    RequestBodyLimit(BodyLimitSettings settings, JsonMapper json) {
        this.limit = settings.maxRequestBody().toBytes();
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > limit) {
            ProblemDetail problem = tooLarge(limit);
            response.setStatus(problem.getStatus());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            json.writeValue(response.getOutputStream(), ProblemTraces.traced(problem, request));
            return;
        }
        chain.doFilter(new BoundedRequest(request, limit), response);
    }

    public static ProblemDetail tooLarge(long limit) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.CONTENT_TOO_LARGE, "Request bodies are limited to " + limit + " bytes");
        problem.setTitle("Content Too Large");
        return problem;
    }

    /** A body that kept coming past the limit. */
    public static final class BodyTooLarge extends IOException {
        private final long limit;

        BodyTooLarge(long limit) {
            super("Request body larger than " + limit + " bytes");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    private static final class BoundedRequest extends HttpServletRequestWrapper {
        private final long limit;

        BoundedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream body = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = body.read();
                    count(b == -1 ? 0 : 1);
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = body.read(buffer, offset, length);
                    count(Math.max(n, 0));
                    return n;
                }

                private void count(int n) throws BodyTooLarge {
                    read += n;
                    if (read > limit) {
                        throw new BodyTooLarge(limit);
                    }
                }

                @Override
                public boolean isFinished() {
                    return body.isFinished();
                }

                @Override
                public boolean isReady() {
                    return body.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    body.setReadListener(listener);
                }
            };
        }
    }

    @ConfigurationProperties("meridian.http")
    record BodyLimitSettings(@DefaultValue("16KB") DataSize maxRequestBody) {}
}
