package dev.meridian.starters.resourceserver;

import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authorization.AuthenticatedAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Step-up authentication (RFC 9470) for a service's {@link AuthorizationRules}: requests that need a token whose
 * {@code acr} is one of {@code meridian.resource-server.step-up.acr-values} (by default {@link #MFA}, a sign-in with
 * a second factor). A token without it is refused with {@code 403} and {@code WWW-Authenticate: Bearer
 * error="insufficient_user_authentication", error_description="…", acr_values="…"} (written by {@link
 * ResourceServerProblems}), so the client can send the user to sign in again asking auth-service for those values.
 *
 * <pre>{@code
 * requests.requestMatchers(HttpMethod.GET, "/api/things").access(stepUp.requiredOf("ROLE_ADMIN"))
 * }</pre>
 *
 * <p>RFC 9470 shows the challenge on a 401; a 403 is used here because the token is valid and stays valid for
 * everything else — clients that drop their tokens on a 401 would sign the user out of the whole application.
 */
public final class StepUp {

    /** auth-service's assurance level for a sign-in with a password and a second factor. */
    public static final String MFA = "urn:meridian:acr:mfa";

    static final String ERROR = "insufficient_user_authentication";
    static final String DESCRIPTION = "A sign-in with a second factor is required";

    private final List<String> acrValues;
    private final AuthorizationManager<RequestAuthorizationContext> authenticated =
            AuthenticatedAuthorizationManager.authenticated();

    public StepUp(List<String> acrValues) {
        this.acrValues = List.copyOf(acrValues);
    }

    /** Whether the request's token says its user signed in at one of the required levels. */
    public boolean satisfiedBy(@Nullable Authentication authentication) {
        // A token without acr is not stepped up (List.copyOf's contains refuses null rather than answer false).
        return authentication instanceof JwtAuthenticationToken token
                && token.getToken().getClaimAsString("acr") instanceof String acr
                && acrValues.contains(acr);
    }

    /** A valid token whose {@code acr} is one of the required values; anonymous requests are 401 as usual. */
    public AuthorizationManager<RequestAuthorizationContext> required() {
        return (authentication, context) -> decide(authentication, context, true);
    }

    /**
     * A valid token; one that holds {@code authority} (e.g. {@code ROLE_ADMIN}) must also carry a required {@code
     * acr}. Tokens without the authority pass on to the service, which refuses them as it always did.
     */
    public AuthorizationManager<RequestAuthorizationContext> requiredOf(String authority) {
        return (authentication, context) -> decide(authentication, context, holds(authentication.get(), authority));
    }

    /** The {@code WWW-Authenticate} value of a refusal (RFC 9470 section 3). */
    public String challenge() {
        return "Bearer error=\"" + ERROR + "\", error_description=\"" + DESCRIPTION + "\", acr_values=\""
                + String.join(" ", acrValues) + "\"";
    }

    public List<String> acrValues() {
        return acrValues;
    }

    private AuthorizationResult decide(
            Supplier<? extends @Nullable Authentication> authentication,
            RequestAuthorizationContext context,
            boolean asked) {
        AuthorizationResult signedIn = authenticated.authorize(authentication, context);
        if (signedIn == null || !signedIn.isGranted()) {
            return signedIn;
        }
        return !asked || satisfiedBy(authentication.get()) ? new AuthorizationDecision(true) : new Required(this);
    }

    private static boolean holds(@Nullable Authentication authentication, String authority) {
        return authentication != null
                && authentication.getAuthorities().stream()
                        .map(GrantedAuthority::getAuthority)
                        .anyMatch(authority::equals);
    }

    /** The denial {@link ResourceServerProblems} answers with the step-up challenge. */
    record Required(StepUp stepUp) implements AuthorizationResult {

        @Override
        public boolean isGranted() {
            return false;
        }
    }
}
