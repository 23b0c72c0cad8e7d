package dev.meridian.audit.log;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reading the audit log: anyone's stream and the whole log for administrators, one's own stream ({@code /me}) for any
 * user (see security/SecurityRules). There is no write API.
 */
@RestController
@RequestMapping("/api/audit")
class AuditController {

    /** The times a query may name: a later one overflows the JDBC timestamp before PostgreSQL sees it. */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final AuditLog log;

    AuditController(AuditLog log) {
        this.log = log;
    }

    @Operation(summary = "One user's events, oldest first, from a version on")
    @GetMapping("/users/{userId}/events")
    UserStream userEvents(
            @PathVariable UUID userId,
            @RequestParam(defaultValue = "1") @Min(1) long fromVersion,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        List<AuditEntry> events = log.stream(userId, fromVersion, limit);
        Long next = events.size() < limit ? null : events.getLast().version() + 1;
        return new UserStream(userId, events, next);
    }

    /**
     * The signed-in user's own stream (their personal data export reads it with their token): the user is the token's
     * subject, never a parameter, so no one reads another's stream here.
     */
    @Operation(summary = "The signed-in user's own events, oldest first, from a version on")
    @GetMapping("/me/events")
    UserStream myEvents(
            @AuthenticationPrincipal Jwt token,
            @RequestParam(defaultValue = "1") @Min(1) long fromVersion,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return userEvents(user(token), fromVersion, limit);
    }

    @Operation(summary = "Every user's events in arrival order, by type and time of occurrence")
    @GetMapping("/events")
    EventPage events(
            @RequestParam Optional<String> type,
            @RequestParam Optional<Instant> from,
            @RequestParam Optional<Instant> to,
            @RequestParam(defaultValue = "0") @Min(0) long after,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        if (Stream.of(from, to).flatMap(Optional::stream).anyMatch(t -> t.isBefore(EARLIEST) || t.isAfter(LATEST))) {
            throw new ErrorResponseException(
                    HttpStatus.BAD_REQUEST,
                    ProblemDetail.forStatusAndDetail(
                            HttpStatus.BAD_REQUEST, "'from' and 'to' must be times between the years 1 and 9999"),
                    null);
        }
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new ErrorResponseException(
                    HttpStatus.BAD_REQUEST,
                    ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "'from' must be before 'to'"),
                    null);
        }
        List<AuditEntry> events = log.search(type, from, to, after, limit);
        Long next = events.size() < limit ? null : events.getLast().position();
        return new EventPage(events, next);
    }

    /** The user a token was issued for; a client's own token (client credentials) has no stream. */
    private static UUID user(Jwt token) {
        try {
            return UUID.fromString(token.getSubject());
        } catch (IllegalArgumentException | NullPointerException notAUser) {
            throw new ErrorResponseException(
                    HttpStatus.FORBIDDEN,
                    ProblemDetail.forStatusAndDetail(
                            HttpStatus.FORBIDDEN, "Only a user's token has an audit stream of its own"),
                    null);
        }
    }

    /** A page of one user's stream; {@code nextFromVersion} is absent on the last page. */
    record UserStream(UUID userId, List<AuditEntry> events, Long nextFromVersion) {}

    /** A page of the whole log; pass {@code nextAfter} as {@code after} for the next page, absent on the last. */
    record EventPage(List<AuditEntry> events, Long nextAfter) {}
}
