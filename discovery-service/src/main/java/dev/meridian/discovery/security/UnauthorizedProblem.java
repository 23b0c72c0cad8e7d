package dev.meridian.discovery.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * A request without valid credentials: {@code 401} with the Basic challenge (a browser at the dashboard asks for the
 * login) and an RFC 9457 problem body for API clients. The body is the same for a missing and a wrong password.
 */
class UnauthorizedProblem implements AuthenticationEntryPoint {

    static final String REALM = "Meridian registry";
    private static final byte[] BODY = """
            {"type":"about:blank","title":"Unauthorized","status":401,\
            "detail":"The registry requires HTTP Basic credentials (EUREKA_USERNAME/EUREKA_PASSWORD)"}""".getBytes(StandardCharsets.UTF_8);

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setContentLength(BODY.length);
        response.getOutputStream().write(BODY);
    }
}
