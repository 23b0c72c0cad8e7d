package dev.meridian.starters.problems;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Spring MVC's own exceptions (malformed body, bad parameter, unknown path, wrong method or media type) as the
 * problems {@link ResponseEntityExceptionHandler} makes of them — for an application without a subclass of its own,
 * like Spring Boot's {@code spring.mvc.problemdetails.enabled}, but always on, so that {@link UnexpectedProblems}
 * never takes one of them for a 500. An application with problems of its own extends this class (only one
 * {@code ResponseEntityExceptionHandler} may handle Spring MVC's exceptions) and keeps what it adds: a parameter that
 * breaks its constraint ({@code @Min}, {@code @Max} on a {@code @RequestParam}) is named in the problem, which Spring's
 * "Validation failure" does not.
 *
 * <p>Lowest precedence, as the application's advice without an order has: Spring asks advice of equal order as
 * registered, the application's first, then this, then {@link UnexpectedProblems} (declared after it in
 * {@link ProblemResponsesAutoConfiguration}), so an application's specific handler still wins.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class MvcProblems extends ResponseEntityExceptionHandler {

    /**
     * A request parameter, path variable or header that breaks its constraint: the detail says which and why
     * ({@code limit must be less than or equal to 500}), and {@code errors} lists each as {@code field} and
     * {@code message}, as a body's field errors are listed.
     */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (!e.getStatusCode().is4xxClientError()) {
            // A return value that breaks its constraint is the service's fault, not the client's.
            return super.handleHandlerMethodValidationException(e, headers, status, request);
        }
        List<Map<String, String>> errors = e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error ->
                                Map.of("field", nameOf(result), "message", String.valueOf(error.getDefaultMessage()))))
                .toList();
        ProblemDetail problem = e.getBody();
        problem.setDetail(errors.stream()
                .map(error -> error.get("field") + " " + error.get("message"))
                .collect(Collectors.joining("; ")));
        problem.setProperty("errors", errors);
        return handleExceptionInternal(e, problem, headers, e.getStatusCode(), request);
    }

    /** The name the client sent the value under: the annotation's where it has one, else the parameter's. */
    private static String nameOf(ParameterValidationResult result) {
        MethodParameter parameter = result.getMethodParameter();
        String named = "";
        if (parameter.getParameterAnnotation(RequestParam.class) instanceof RequestParam param) {
            named = param.name();
        } else if (parameter.getParameterAnnotation(PathVariable.class) instanceof PathVariable variable) {
            named = variable.name();
        } else if (parameter.getParameterAnnotation(RequestHeader.class) instanceof RequestHeader header) {
            named = header.name();
        }
        return named.isEmpty() ? String.valueOf(parameter.getParameterName()) : named;
    }
}
