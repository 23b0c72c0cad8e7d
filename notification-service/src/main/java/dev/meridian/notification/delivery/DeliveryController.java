package dev.meridian.notification.delivery;

import dev.meridian.notification.delivery.Deliveries.Position;
import dev.meridian.notification.delivery.Delivery.Status;
import dev.meridian.notification.mail.MailKind;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
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
 * What was mailed, or failed to be: every mail for administrators, one's own ({@code /me/deliveries}) for any user
 * (see security/SecurityRules).
 */
@RestController
@RequestMapping("/api/notifications")
class DeliveryController {

    /** The times a query may name: a later one overflows the JDBC timestamp before PostgreSQL sees it. */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final Deliveries deliveries;

    DeliveryController(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    @Operation(summary = "Deliveries, newest first; page with 'before' = the last one's createdAt")
    @GetMapping("/deliveries")
    List<Delivery> recent(
            @RequestParam Optional<Status> status,
            @RequestParam Optional<Instant> before,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        if (before.isPresent()
                && (before.get().isBefore(EARLIEST) || before.get().isAfter(LATEST))) {
            throw new ErrorResponseException(
                    HttpStatus.BAD_REQUEST,
                    ProblemDetail.forStatusAndDetail(
                            HttpStatus.BAD_REQUEST, "'before' must be a time between the years 1 and 9999"),
                    null);
        }
        return deliveries.recent(status, before.orElseGet(() -> Instant.now().plusSeconds(1)), limit);
    }

    /**
     * The signed-in user's own mails, oldest first (their personal data export reads them with their token): the user
     * is the token's subject, never a parameter. {@code next}, absent on the last page, is the {@code after} of the
     * following one.
     */
    @Operation(summary = "The signed-in user's own mails, oldest first; page with 'after' = the answer's 'next'")
    @GetMapping("/me/deliveries")
    MyDeliveries mine(
            @AuthenticationPrincipal Jwt token,
            @RequestParam Optional<String> after,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        List<Delivery> page = deliveries.ofUser(user(token), after.map(DeliveryController::position), limit);
        String next = page.size() < limit ? null : cursor(Position.of(page.getLast()));
        return new MyDeliveries(page, next);
    }

    /** A page of the user's mails; {@code next} is absent on the last page. */
    record MyDeliveries(List<Delivery> deliveries, String next) {}

    /** {@code <createdAt>_<eventId>_<kind>}: opaque to clients, read back by {@link #position}. */
    private static String cursor(Position position) {
        return position.createdAt() + "_" + position.eventId() + "_" + position.kind();
    }

    private static Position position(String cursor) {
        String[] parts = cursor.split("_", 3);
        try {
            return new Position(Instant.parse(parts[0]), UUID.fromString(parts[1]), MailKind.valueOf(parts[2]));
        } catch (RuntimeException malformed) {
            throw new ErrorResponseException(
                    HttpStatus.BAD_REQUEST,
                    ProblemDetail.forStatusAndDetail(
                            HttpStatus.BAD_REQUEST, "'after' must be the 'next' of an earlier page"),
                    null);
        }
    }

    /** The user a token was issued for; a client's own token (client credentials) has no mails. */
    private static UUID user(Jwt token) {
        try {
            return UUID.fromString(token.getSubject());
        } catch (IllegalArgumentException | NullPointerException notAUser) {
            throw new ErrorResponseException(
                    HttpStatus.FORBIDDEN,
                    ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "Only a user's token has mails of its own"),
                    null);
        }
    }

    @Operation(summary = "The mail an event asked for: of the kind given, else the first it asked for")
    @GetMapping("/deliveries/{eventId}")
    Delivery one(@PathVariable UUID eventId, @RequestParam Optional<MailKind> kind) {
        return deliveries
                .find(eventId, kind)
                .orElseThrow(() -> new ErrorResponseException(
                        HttpStatus.NOT_FOUND,
                        ProblemDetail.forStatusAndDetail(
                                HttpStatus.NOT_FOUND, "No mail was asked for by event " + eventId),
                        null));
    }
}
