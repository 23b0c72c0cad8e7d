package dev.meridian.starters.problems;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Spring MVC's own exceptions (malformed body, bad parameter, unknown path, wrong method or media type) as the
 * problems {@link ResponseEntityExceptionHandler} makes of them — for an application without a subclass of its own,
 * like Spring Boot's {@code spring.mvc.problemdetails.enabled}, but always on, so that {@link UnexpectedProblems}
 * never takes one of them for a 500. Lowest precedence, as the application's advice without an order has: Spring
 * asks advice of equal order as registered, the application's first, then this, then {@link UnexpectedProblems}
 * (declared after it in {@link ProblemResponsesAutoConfiguration}), so an application's specific handler still wins.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
final class MvcProblems extends ResponseEntityExceptionHandler {}
