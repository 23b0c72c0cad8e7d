package dev.meridian.notification.links;

import dev.meridian.notification.delivery.Deliveries;
import dev.meridian.notification.links.DueMails.Due;
import dev.meridian.notification.links.MailLinks.MailLink;
import dev.meridian.notification.mail.Mailer;
import feign.FeignException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.mail.MailException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the due mails: fetches each one's link from user-service (through {@link LinkBreaker}), mails it and records
 * it {@code SENT}. A fetch that fails (user-service down, breaker open, timeout, no token) leaves the mail due for a
 * later attempt with back-off; a {@code 410} (the request was used, expired or is unknown) records it {@code
 * SKIPPED} with the reason. Each due mail is handled in a transaction of its own that holds its row ({@code FOR
 * UPDATE SKIP LOCKED}), so with several instances each mail is worked on by one; the mail is recorded sent and its
 * row removed in that transaction. Neither the link nor the code is ever logged or stored.
 */
@Component
@EnableConfigurationProperties(LinkSettings.class)
class DueMailSender {

    private static final Logger log = LoggerFactory.getLogger(DueMailSender.class);
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final DueMails dues;
    private final Deliveries deliveries;
    private final MailLinks links;
    private final LinkBreaker breaker;
    private final Mailer mailer;
    private final TransactionTemplate transactions;
    private final LinkSettings settings;

    DueMailSender(
            DueMails dues,
            Deliveries deliveries,
            MailLinks links,
            LinkBreaker breaker,
            Mailer mailer,
            TransactionTemplate transactions,
            LinkSettings settings) {
        this.dues = dues;
        this.deliveries = deliveries;
        this.links = links;
        this.breaker = breaker;
        this.mailer = mailer;
        this.transactions = transactions;
        this.settings = settings;
    }

    @Scheduled(fixedDelayString = "${meridian.mail.links.poll-interval:1s}")
    void sendDue() {
        try {
            for (int i = 0; i < settings.batchSize(); i++) {
                if (!Boolean.TRUE.equals(transactions.execute(status -> sendNext()))) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            // The database, most likely: the next round tries again.
            log.warn("Could not send the due mails this round: {}", e.getMessage());
        }
    }

    /** Handles the next due mail, if any; false when none is due. */
    private boolean sendNext() {
        var next = dues.lockNext();
        if (next.isEmpty()) {
            return false;
        }
        Due due = next.get();
        var attempt = due.attempt();
        if (deliveries.settled(attempt.eventId(), attempt.kind())) {
            dues.done(due);
            return true;
        }
        if (due.createdAt().plus(settings.giveUpAfter()).isBefore(Instant.now())) {
            skip(due, "its link could not be fetched for " + settings.giveUpAfter());
            return true;
        }
        MailLink link;
        try {
            link = breaker.call(() -> links.mint(new MailLinks.Request(due.requestId())));
        } catch (FeignException e) {
            if (e.status() == 410) {
                skip(due, "user-service answered 410: the request is used, expired or unknown");
            } else {
                retryLater(due, why(e));
            }
            return true;
        } catch (RuntimeException e) {
            retryLater(due, why(e));
            return true;
        }
        Map<String, Object> variables = new HashMap<>(due.variables());
        variables.put("link", link.link());
        variables.put("code", link.code());
        variables.put("expiresAt", link.expiresAt() == null ? null : WHEN.format(link.expiresAt()));
        try {
            mailer.send(attempt.kind(), attempt.recipient(), variables, attempt.eventId());
        } catch (MailPreparationException | MailParseException e) {
            skip(due, e.getMessage()); // no retry builds it
            return true;
        } catch (MailException e) {
            deliveries.failed(attempt, e.getMessage());
            dues.retryLater(due, backOff(due.attempts() + 1), e.getMessage());
            log.warn(
                    "The {} mail of event {} failed, tried again later: {}",
                    attempt.kind(),
                    attempt.eventId(),
                    e.getMessage());
            return true;
        }
        deliveries.sent(attempt);
        dues.done(due);
        return true;
    }

    private void skip(Due due, String reason) {
        deliveries.skipped(due.attempt(), reason);
        dues.done(due);
        log.info(
                "The {} mail of event {} is skipped: {}",
                due.attempt().kind(),
                due.attempt().eventId(),
                reason);
    }

    private void retryLater(Due due, String error) {
        Duration after = backOff(due.attempts() + 1);
        deliveries.stillDue(due.attempt(), error);
        dues.retryLater(due, after, error);
        log.warn(
                "The link of the {} mail of event {} could not be fetched ({}); tried again in {}",
                due.attempt().kind(),
                due.attempt().eventId(),
                error,
                after);
    }

    /** The initial back-off doubled for each failed attempt, at most the maximum. */
    private Duration backOff(int failedAttempts) {
        Duration after = settings.initialBackOff();
        for (int i = 1; i < failedAttempts && after.compareTo(settings.maxBackOff()) < 0; i++) {
            after = after.multipliedBy(2);
        }
        return after.compareTo(settings.maxBackOff()) > 0 ? settings.maxBackOff() : after;
    }

    /** What went wrong, without the response body (which a misbehaving server could fill with anything). */
    private static String why(RuntimeException e) {
        if (e instanceof CallNotPermittedException) {
            return "circuit breaker open";
        }
        if (e instanceof FeignException feign && feign.status() > 0) {
            return "user-service answered " + feign.status();
        }
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return e.getClass().getSimpleName() + " (" + cause.getClass().getSimpleName() + ")";
    }
}
