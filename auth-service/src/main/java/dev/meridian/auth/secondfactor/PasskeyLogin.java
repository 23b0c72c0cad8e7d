package dev.meridian.auth.secondfactor;

import java.util.ArrayList;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthenticationProvider;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthenticationRequestToken;

/**
 * A passkey sign-in: Spring's {@link WebAuthnAuthenticationProvider} verifies the assertion (challenge, origin, rpId,
 * signature, user verification, signature counter) and adds {@code FACTOR_WEBAUTHN}; the result is then shaped like
 * every other sign-in here, the user id as the principal's name and a mutable list of authorities, because Spring
 * Authorization Server stores the principal as JSON with an allow-list of types that does not know Spring's
 * {@code WebAuthnAuthentication}. After a password the login filter merges the two sign-ins' factors (same name).
 */
final class PasskeyLogin implements AuthenticationProvider {

    private final WebAuthnAuthenticationProvider webAuthn;

    PasskeyLogin(WebAuthnAuthenticationProvider webAuthn) {
        this.webAuthn = webAuthn;
    }

    @Override
    public Authentication authenticate(Authentication attempt) throws AuthenticationException {
        Authentication verified = webAuthn.authenticate(attempt);
        return UsernamePasswordAuthenticationToken.authenticated(
                verified.getName(), null, new ArrayList<>(verified.getAuthorities()));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return WebAuthnAuthenticationRequestToken.class.isAssignableFrom(authentication);
    }
}
