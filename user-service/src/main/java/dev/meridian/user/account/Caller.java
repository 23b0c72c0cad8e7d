package dev.meridian.user.account;

import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling: a signed-in user (the token's subject), an administrator, or nobody; {@code tokenId} is the
 * {@code jti} of the access token, named in the events of changes made with it. {@code admin} only for an
 * administrator's token from a sign-in with a second factor; one without it {@code owesSecondFactor}, and is told so
 * ({@link SecondFactorRequired}) where it would act as an administrator, rather than treated as a stranger.
 */
public record Caller(UUID userId, boolean admin, String tokenId, boolean owesSecondFactor) {

    static final Caller ANONYMOUS = new Caller(null, false, null);

    public Caller(UUID userId, boolean admin, String tokenId) {
        this(userId, admin, tokenId, false);
    }

    /** {@code secondFactor}: the token's {@code acr} says its user signed in with one (the starter's StepUp). */
    public static Caller of(Authentication authentication, boolean secondFactor) {
        if (!(authentication instanceof JwtAuthenticationToken token)) {
            return ANONYMOUS;
        }
        boolean admin = token.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .anyMatch("ROLE_ADMIN"::equals);
        return new Caller(
                parseUuid(token.getName()),
                admin && secondFactor,
                token.getToken().getId(),
                admin && !secondFactor);
    }

    /** Owners and administrators may see and change an account; anyone else may not know it exists. */
    boolean mayAccess(UUID accountId) {
        return accountId.equals(userId) || actsAsAdministrator();
    }

    /** Whether administrator rights apply; an administrator signed in without a second factor must step up first. */
    boolean actsAsAdministrator() {
        if (owesSecondFactor) {
            throw new SecondFactorRequired();
        }
        return admin;
    }

    /** An administrator's token without a second factor, used for what only an administrator may do. */
    public static final class SecondFactorRequired extends RuntimeException {
        SecondFactorRequired() {
            super("An administrator must sign in with a second factor for this");
        }
    }

    boolean owns(UUID accountId) {
        return accountId.equals(userId);
    }

    private static UUID parseUuid(String subject) {
        try {
            return UUID.fromString(subject);
        } catch (IllegalArgumentException notAUser) {
            return null; // a service client's token: its subject is a client id
        }
    }
}
