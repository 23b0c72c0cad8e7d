package dev.meridian.auth.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * OIDC Core 3.1.2.1's {@code prompt=login} and {@code max_age}, which Spring Authorization Server leaves to the
 * application (it answers {@code prompt=none} only): an authorization request asking for either, from a browser
 * whose sign-in is older than it allows, is signed out here and so sent to the login page by the chain, and comes back
 * to the same request after a new sign-in. The ID token's {@code auth_time} (Spring's: the newest factor's time)
 * then says when that was.
 *
 * <p>When the request first asked is kept in the session, per request (its client and PKCE challenge, which the
 * request replayed after the login keeps): the sign-in it led to satisfies it even when it took longer than
 * {@code max_age} ({@code max_age=0}: always) and even after a second factor's step, so the person signs in once, not
 * in a loop. A later request asking again is a new request and asks again.
 */
final class FreshSignIn extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(FreshSignIn.class);
    private static final String ASKED = FreshSignIn.class.getName() + ".asked";
    /** A request left unfinished this long is forgotten; a few are kept (tabs of one browser). */
    private static final Duration REMEMBERED = Duration.ofMinutes(10);

    private static final int MOST_REMEMBERED = 8;

    private final RequestMatcher authorizationRequests;
    private final Clock clock;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
    private final SecurityContextRepository sessions = new HttpSessionSecurityContextRepository();
    private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

    FreshSignIn(String authorizationEndpoint, Clock clock) {
        // GET and POST (OIDC Core 3.1.2.1 allows both); a consent form's POST asks for neither and passes.
        this.authorizationRequests = PathPatternRequestMatcher.pathPattern(authorizationEndpoint);
        this.clock = clock;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !authorizationRequests.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Asked asked = Asked.of(request);
        if (asked == null) {
            chain.doFilter(request, response);
            return;
        }
        Instant now = clock.instant();
        String key = request.getParameter("client_id") + " " + request.getParameter("code_challenge");
        Authentication current = contexts.getContext().getAuthentication();
        if (current != null && !trust.isAnonymous(current) && current.isAuthenticated()) {
            Instant signedIn = signedIn(current);
            Instant askedAt = askedAt(request.getSession(false), key, now);
            boolean signedInSinceAsked = signedIn != null && askedAt != null && !signedIn.isBefore(askedAt);
            boolean recentEnough = signedIn != null
                    && !asked.login()
                    && !signedIn.plusSeconds(asked.maxAge()).isBefore(now);
            if (signedInSinceAsked || recentEnough) {
                chain.doFilter(request, response);
                return;
            }
            log.info(
                    "Authorization request of {} asks for a sign-in {}: signing the browser out",
                    request.getParameter("client_id"),
                    asked.login() ? "now (prompt=login)" : "at most " + asked.maxAge() + " s old (max_age)");
            contexts.clearContext();
            sessions.saveContext(contexts.createEmptyContext(), request, response);
        }
        remember(request.getSession(), key, now);
        chain.doFilter(request, response);
    }

    /** The sign-in's time as the ID token's {@code auth_time} tells it: its newest factor's. */
    private static @Nullable Instant signedIn(Authentication authentication) {
        Instant newest = null;
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            if (authority instanceof FactorGrantedAuthority factor
                    && (newest == null || factor.getIssuedAt().isAfter(newest))) {
                newest = factor.getIssuedAt();
            }
        }
        return newest;
    }

    private static @Nullable Instant askedAt(@Nullable HttpSession session, String key, Instant now) {
        if (session == null || !(session.getAttribute(ASKED) instanceof Requests requests)) {
            return null;
        }
        Instant askedAt = requests.asked().get(key);
        return askedAt == null || askedAt.plus(REMEMBERED).isBefore(now) ? null : askedAt;
    }

    private static void remember(HttpSession session, String key, Instant now) {
        Map<String, Instant> asked = session.getAttribute(ASKED) instanceof Requests requests
                ? new LinkedHashMap<>(requests.asked())
                : new LinkedHashMap<>();
        asked.values().removeIf(at -> at.plus(REMEMBERED).isBefore(now));
        asked.remove(key);
        asked.put(key, now);
        while (asked.size() > MOST_REMEMBERED) {
            asked.remove(asked.keySet().iterator().next());
        }
        session.setAttribute(ASKED, new Requests(asked));
    }

    /** The requests of this browser that asked for a fresh sign-in, and when each first asked. */
    private record Requests(Map<String, Instant> asked) implements Serializable {}

    /**
     * What a request asks for: {@code prompt} holding {@code login}, or {@code max_age} in seconds. {@code none} with
     * it is Spring's to refuse; a {@code max_age} that is no whole number of seconds is ignored as Spring ignores it.
     */
    private record Asked(boolean login, long maxAge) {

        static @Nullable Asked of(HttpServletRequest request) {
            String prompt = request.getParameter("prompt");
            List<String> prompts =
                    prompt == null ? List.of() : List.of(prompt.trim().split("\\s+"));
            if (prompts.contains("none")) {
                return null;
            }
            if (prompts.contains("login")) {
                return new Asked(true, 0);
            }
            String maxAge = request.getParameter("max_age");
            if (maxAge == null || !maxAge.matches("\\d{1,10}")) {
                return null;
            }
            long seconds = Long.parseLong(maxAge);
            return seconds == 0 ? new Asked(true, 0) : new Asked(false, seconds);
        }
    }
}
