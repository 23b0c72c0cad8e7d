package dev.meridian.user.account;

import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling: a signed-in user (the token's subject), an administrator, or nobody; {@code tokenId} is the
 * {@code jti} of the access token, named in the events of changes made with it.
 */
public record Caller(UUID userId, boolean admin, String tokenId) {

    static final Caller ANONYMOUS = new Caller(null, false, null);

    public static Caller of(Authentication authentication) {
        if (!(authentication instanceof JwtAuthenticationToken token)) {
            return ANONYMOUS;
        }
        boolean admin = token.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .anyMatch("ROLE_ADMIN"::equals);
        return new Caller(parseUuid(token.getName()), admin, token.getToken().getId());
    }

    /** Owners and administrators may see and change an account; anyone else may not know it exists. */
    boolean mayAccess(UUID accountId) {
        return admin || accountId.equals(userId);
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
