package dev.meridian.gateway.security;

import dev.meridian.gateway.problem.ProblemResponses;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * 401 and 403 as RFC 9457 problems, with the RFC 6750 {@code WWW-Authenticate} challenge clients expect. The detail
 * says what is wrong with the token in general terms only (no hint for a forger beyond "invalid").
 */
final class SecurityProblems implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
        boolean presented = exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
        exchange.getResponse()
                .getHeaders()
                .set(
                        HttpHeaders.WWW_AUTHENTICATE,
                        presented
                                ? "Bearer error=\"invalid_token\", error_description=\"The access token is invalid\""
                                : "Bearer");
        return ProblemResponses.write(
                exchange,
                HttpStatus.UNAUTHORIZED,
                presented ? "The access token is invalid, expired or revoked" : "An access token is required");
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\"");
        return ProblemResponses.write(exchange, HttpStatus.FORBIDDEN, "The access token does not allow this");
    }
}
