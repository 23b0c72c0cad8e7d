package dev.meridian.starters.problems;

import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Every problem Spring MVC writes gets the request's {@code traceId} on its way out: those of the application's own
 * handlers and advice, Spring MVC's, this starter's and the error page's alike. A body advice rather than a step in
 * each handler, so that no handler can forget it. (A problem a filter writes itself, outside Spring MVC, takes it
 * from {@link ProblemTraces}.)
 */
@RestControllerAdvice
final class ProblemTraceIds implements ResponseBodyAdvice<Object> {

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        // The declared type says nothing (ResponseEntityExceptionHandler answers ResponseEntity<Object>): the body
        // does.
        return true;
    }

    @Override
    public @Nullable Object beforeBodyWrite(
            @Nullable Object body,
            MethodParameter returnType,
            MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType,
            ServerHttpRequest request,
            ServerHttpResponse response) {
        if (body instanceof ProblemDetail problem && request instanceof ServletServerHttpRequest servlet) {
            return ProblemTraces.traced(problem, servlet.getServletRequest());
        }
        return body;
    }
}
