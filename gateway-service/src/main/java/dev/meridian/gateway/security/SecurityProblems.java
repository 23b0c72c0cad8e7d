package dev.meridian.gateway.security;

import dev.meridian.gateway.problem.ProblemResponses;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * 400, 401 and 403 as RFC 9457 problems, with the RFC 6750 {@code WWW-Authenticate} challenge clients expect. The
 * detail says what is wrong with the token in general terms only (no hint for a forger beyond "invalid").
 */
final class SecurityProblems implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
        if (failure instanceof OAuth2AuthenticationException oauth2
                && OAuth2ErrorCodes.INVALID_REQUEST.equals(oauth2.getError().getErrorCode())) {
            // RFC 6750 §3.1: a malformed request (a token sent by two methods) is a 400, not a bad token.
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_request\"");
            return ProblemResponses.write(
                    exchange, HttpStatus.BAD_REQUEST, "Send the access token in the Authorization header only");
        }
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
