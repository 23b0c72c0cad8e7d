package dev.meridian.auth.secondfactor;

import dev.meridian.auth.sessions.SecurityEvents;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * Checks the second step of a sign-in: the authenticator app's current code, or one of the recovery codes. Wrong
 * codes are throttled per account ({@link CodeThrottle}); a locked challenge checks nothing. An app's code is taken
 * once: its step, and every earlier one, is refused afterwards (on every instance: {@link TotpFactors#use}). The
 * result carries only the new factor authority; the login filter adds the password sign-in's authorities to it.
 */
@Component
class SecondFactorChallenge {

    static final String WRONG = "That code is not right. Check your authenticator app and try again.";
    static final String USED = "That code has already been used. Wait for the next one.";

    private final TotpFactors apps;
    private final RecoveryCodes recoveryCodes;
    private final CodeThrottle throttle;
    private final SecurityEvents events;
    private final Clock clock;

    SecondFactorChallenge(
            TotpFactors apps, RecoveryCodes recoveryCodes, CodeThrottle throttle, SecurityEvents events, Clock clock) {
        this.apps = apps;
        this.recoveryCodes = recoveryCodes;
        this.throttle = throttle;
        this.events = events;
        this.clock = clock;
    }

    /** What the challenge form posted. */
    record Answer(String code, String recoveryCode) {}

    /** {@code attempt}: principal the user id, credentials an {@link Answer}. */
    Authentication authenticate(Authentication attempt) throws AuthenticationException {
        UUID user = SecondFactors.userId(attempt);
        if (user == null || !(attempt.getCredentials() instanceof Answer answer)) {
            throw new InsufficientAuthenticationException("Sign in with your password first");
        }
        throwIfLocked(user);
        if (answer.recoveryCode() != null && !answer.recoveryCode().isBlank()) {
            if (!recoveryCodes.use(user, answer.recoveryCode(), clock.instant())) {
                throw refused(user, "That recovery code is not one of yours, or it was used before.");
            }
            throttle.succeeded(user);
            events.recoveryCodeUsed(user, recoveryCodes.unused(user));
            return signedIn(user, SecondFactors.RECOVERY_CODE);
        }
        byte[] secret = apps.secret(user)
                .orElseThrow(() -> new InsufficientAuthenticationException("No authenticator app is set up"));
        String code = answer.code() == null ? "" : answer.code().replaceAll("\\s", "");
        OptionalLong step = Totp.matchingStep(secret, code, clock.instant());
        if (step.isEmpty()) {
            throw refused(user, WRONG);
        }
        if (!apps.use(user, step.getAsLong())) {
            throw refused(user, USED);
        }
        throttle.succeeded(user);
        return signedIn(user, SecondFactors.TOTP);
    }

    private void throwIfLocked(UUID user) {
        Duration locked = throttle.lockedFor(user);
        if (!locked.isZero()) {
            throw new LockedException("Too many wrong codes. Try again in " + minutes(locked) + ".");
        }
    }

    /** Counts the failure; the one that reaches the limit already says the challenge is locked. */
    private AuthenticationException refused(UUID user, String why) {
        throttle.failed(user);
        throwIfLocked(user);
        return new BadCredentialsException(why);
    }

    private static Authentication signedIn(UUID user, String factor) {
        // A mutable list: the authorization stores the principal as JSON with an allow-list of types.
        return UsernamePasswordAuthenticationToken.authenticated(
                user.toString(), null, new ArrayList<>(List.of(FactorGrantedAuthority.fromAuthority(factor))));
    }

    private static String minutes(Duration locked) {
        long minutes = Math.max(1, (locked.toSeconds() + 59) / 60);
        return minutes == 1 ? "a minute" : minutes + " minutes";
    }
}
