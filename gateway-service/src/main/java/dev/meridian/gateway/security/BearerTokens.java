package dev.meridian.gateway.security;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The access token of {@code Authorization: Bearer <token>} (RFC 6750 §2.1), read as Spring Security's
 * {@code ServerBearerTokenAuthenticationConverter} reads it — a header that does not start with "bearer" carries no
 * token; one that does must hold a single b64token or the request is refused as {@code invalid_token}; a token in the
 * query as well is {@code invalid_request}; a token in the query alone is not accepted — but the syntax is checked
 * with a loop instead of Spring's regular expression, matched against an 800-character JWT on every request (its
 * measured cost: docs/deviations.md).
 */
final class BearerTokens implements ServerAuthenticationConverter {

    private static final String SCHEME = "Bearer";
    private static final int TOKEN_START = SCHEME.length() + 1;

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        return Mono.fromCallable(() -> token(exchange.getRequest())).map(BearerTokenAuthenticationToken::new);
    }

    /** The token, or null when the request carries none. */
    static String token(ServerHttpRequest request) {
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        if (authorization.length() < TOKEN_START
                || authorization.charAt(SCHEME.length()) != ' '
                || !isB64Token(authorization, TOKEN_START)) {
            throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
        }
        if (request.getQueryParams().containsKey("access_token")) {
            throw new OAuth2AuthenticationException(
                    BearerTokenErrors.invalidRequest("Found multiple bearer tokens in the request"));
        }
        return authorization.substring(TOKEN_START);
    }

    /** {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="} from {@code start} to the end. */
    private static boolean isB64Token(String value, int start) {
        int end = value.length();
        while (end > start && value.charAt(end - 1) == '=') {
            end--;
        }
        if (end == start) {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = value.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~'
                    || c == '+'
                    || c == '/';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }
}
