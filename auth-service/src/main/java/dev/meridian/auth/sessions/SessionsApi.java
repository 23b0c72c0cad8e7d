package dev.meridian.auth.sessions;

import dev.meridian.auth.sessions.Sessions.Session;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A user's signed-in sessions (authorizations), and an administrator's view of anyone's. Ending a session revokes
 * its tokens at once: refresh token gone, access token on the gateway's revocation list, {@code SessionsRevoked} on
 * {@code user-events}. A session id that is not the user's answers 404 like an unknown one: the API never tells
 * whether an id exists.
 */
@RestController
class SessionsApi {

    private final Sessions sessions;

    SessionsApi(Sessions sessions) {
        this.sessions = sessions;
    }

    /** {@code current}: the session the request's access token belongs to. */
    record SessionView(
            String id,
            String clientId,
            String clientName,
            Instant signedInAt,
            Instant lastUsedAt,
            String address,
            String userAgent,
            boolean current) {

        static SessionView of(Session session, Optional<String> current) {
            return new SessionView(
                    session.id(),
                    session.clientId(),
                    session.clientName(),
                    session.signedInAt(),
                    session.lastUsedAt(),
                    session.address(),
                    session.userAgent(),
                    current.map(session.id()::equals).orElse(false));
        }
    }

    @GetMapping("/api/sessions")
    List<SessionView> mine(@AuthenticationPrincipal Jwt token) {
        Optional<String> current = sessions.ofAccessToken(token.getTokenValue());
        return sessions.of(user(token)).stream()
                .map(session -> SessionView.of(session, current))
                .toList();
    }

    @DeleteMapping("/api/sessions/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void endMine(@AuthenticationPrincipal Jwt token, @PathVariable String id) {
        UUID user = user(token);
        if (!sessions.revoke(user, id, user)) {
            throw new NoSuchSession();
        }
    }

    /** Sign out everywhere; {@code keepCurrent=true} keeps the session this request was made with. */
    @DeleteMapping("/api/sessions")
    ResponseEntity<Void> endAllMine(
            @AuthenticationPrincipal Jwt token, @RequestParam(defaultValue = "false") boolean keepCurrent) {
        UUID user = user(token);
        Optional<String> kept = keepCurrent ? sessions.ofAccessToken(token.getTokenValue()) : Optional.empty();
        sessions.revokeAll(user, kept, user);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/admin/users/{userId}/sessions")
    List<SessionView> ofUser(@PathVariable UUID userId) {
        return sessions.of(userId).stream()
                .map(session -> SessionView.of(session, Optional.empty()))
                .toList();
    }

    @DeleteMapping("/api/admin/users/{userId}/sessions/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void endOne(@AuthenticationPrincipal Jwt token, @PathVariable UUID userId, @PathVariable String id) {
        if (!sessions.revoke(userId, id, user(token))) {
            throw new NoSuchSession();
        }
    }

    @DeleteMapping("/api/admin/users/{userId}/sessions")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void endAll(@AuthenticationPrincipal Jwt token, @PathVariable UUID userId) {
        sessions.revokeAll(userId, Optional.empty(), user(token));
    }

    /** The user the token was issued for; a client's own token (client credentials) has no sessions here. */
    private static UUID user(Jwt token) {
        try {
            return UUID.fromString(token.getSubject());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new NotAUser();
        }
    }

    /** No live session of this user has that id (another user's, ended, or unknown: one answer). */
    static final class NoSuchSession extends RuntimeException {
        NoSuchSession() {
            super("No such session", null, false, false);
        }
    }

    /** A client's own token, issued to no user. */
    static final class NotAUser extends RuntimeException {
        NotAUser() {
            super("The access token was issued to a client, not to a user", null, false, false);
        }
    }
}
