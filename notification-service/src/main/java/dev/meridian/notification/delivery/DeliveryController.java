package dev.meridian.notification.delivery;

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
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What was mailed, or failed to be; administrators only (see SecurityConfiguration). */
@RestController
@RequestMapping("/api/notifications/deliveries")
class DeliveryController {

    /** The times a query may name: a later one overflows the JDBC timestamp before PostgreSQL sees it. */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final Deliveries deliveries;

    DeliveryController(Deliveries deliveries) {
        this.deliveries = deliveries;
    }

    @Operation(summary = "Deliveries, newest first; page with 'before' = the last one's createdAt")
    @GetMapping
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

    @Operation(summary = "The mail an event asked for: of the kind given, else the first it asked for")
    @GetMapping("/{eventId}")
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
