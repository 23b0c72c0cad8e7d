package dev.meridian.starters.resourceserver;

import dev.meridian.starters.problems.ProblemTraces;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 as RFC 9457 problems with the trace id. The RFC 6750 {@code WWW-Authenticate: Bearer
 * error="invalid_token"} challenge (and {@code insufficient_scope}) comes from Spring Security's bearer-token
 * handlers; this adds the body they leave empty. A {@link StepUp} refusal is a 403 with RFC 9470's
 * {@code insufficient_user_authentication} challenge instead, naming the {@code acr_values} that would do.
 */
public final class ResourceServerProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler denial = new BearerTokenAccessDeniedHandler();
    private final JsonMapper json;

    public ResourceServerProblems(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        challenge.commence(request, response, e);
        write(request, response, HttpStatus.UNAUTHORIZED, "A valid access token is required");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        if (e instanceof AuthorizationDeniedException denied
                && denied.getAuthorizationResult() instanceof StepUp.Required required) {
            response.setStatus(HttpStatus.FORBIDDEN.value());
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, required.stepUp().challenge());
            write(request, response, HttpStatus.FORBIDDEN, StepUp.DESCRIPTION);
            return;
        }
        denial.handle(request, response, e);
        write(request, response, HttpStatus.FORBIDDEN, "The token does not allow this");
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
            throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status.getReasonPhrase());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), ProblemTraces.traced(problem, request));
    }
}
