package dev.meridian.auth.secondfactor;

import com.webauthn4j.util.exception.WebAuthnException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 9457 problems from Spring Security's WebAuthn endpoints, which are JSON endpoints of filters: they answer a
 * malformed request, a missing challenge or a failed assertion with a bare status ({@code setStatus}, no body), and let
 * a registration that does not verify (a forged attestation, a credential id already registered) escape as an
 * exception, which would be a 500. Here the bare status gets its problem body, and such a registration is the
 * client's 400.
 */
final class PasskeyProblems extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(PasskeyProblems.class);
    private static final RequestMatcher ENDPOINTS = new OrRequestMatcher(
            PathPatternRequestMatcher.pathPattern("/webauthn/**"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/login/webauthn"));
    /** Registering a passkey ({@code POST}) and removing one by its id ({@code DELETE /webauthn/register/{id}}). */
    private static final RequestMatcher REGISTRATION = PathPatternRequestMatcher.pathPattern("/webauthn/register/**");

    private final JsonMapper json;

    PasskeyProblems(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !ENDPOINTS.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (WebAuthnException | JacksonException refused) {
            // webauthn4j's verification failures, and its JSON parser's on client data that is no JSON.
            refuse(request, response, refused);
        } catch (IllegalArgumentException refused) {
            // Only where Spring throws it for the client's input: a credential id that is already registered
            // (Webauthn4JRelyingPartyOperations.registerCredential) or an id that is no base64url (the removal).
            // Anywhere else it is a bug of ours and stays a 500.
            if (!REGISTRATION.matches(request)) {
                throw refused;
            }
            refuse(request, response, refused);
        }
        HttpStatus status = HttpStatus.resolve(response.getStatus());
        if (status != null && status.isError() && !response.isCommitted() && response.getContentType() == null) {
            write(response, status);
        }
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, RuntimeException refused) {
        log.info("Passkey request {} {} refused: {}", request.getMethod(), request.getRequestURI(), refused.toString());
        if (!response.isCommitted()) {
            response.resetBuffer();
            response.setStatus(HttpStatus.BAD_REQUEST.value());
        }
    }

    private void write(HttpServletResponse response, HttpStatus status) throws IOException {
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(
                response.getOutputStream(),
                Map.of(
                        "type", "about:blank",
                        "title", status.getReasonPhrase(),
                        "status", status.value(),
                        "detail", detail(status)));
    }

    private static String detail(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "The passkey request was malformed, not for this session's ceremony, or did not verify";
            case UNAUTHORIZED -> "The passkey did not sign in";
            case FORBIDDEN -> "Not allowed";
            default -> status.getReasonPhrase();
        };
    }
}
