package dev.meridian.gateway.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * Whether a token was revoked cannot be told now (Redis down, and the gateway's copy of the list older than the
 * token): a 503 problem with {@code Retry-After}, answered by the gateway's error handler. Not a
 * {@code JwtException}, so Spring Security passes it on instead of turning it into a 401.
 */
final class RevocationUnknown extends ResponseStatusException {

    RevocationUnknown() {
        super(
                HttpStatus.SERVICE_UNAVAILABLE,
                "Whether the access token is still valid cannot be checked now; retry shortly");
    }

    @Override
    public HttpHeaders getHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "1");
        return headers;
    }
}
