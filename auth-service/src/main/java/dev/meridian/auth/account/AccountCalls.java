package dev.meridian.auth.account;

import dev.meridian.auth.login.UserServiceBreaker;
import feign.FeignException;
import feign.RetryableException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.common.circuitbreaker.configuration.CircuitBreakerConfigCustomizer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the pages' calls to user-service through a bulkhead and circuit breaker of their own ({@code
 * user-service-account}, with the sign-in's {@code user-service} configuration in application.yml), and turns its answers into what the
 * pages show. A breaker of its own because a forged link's 400 or a taken address's 409 is an answer, not a failure,
 * and must not open the breaker sign-in depends on; every 4xx is ignored here, so only user-service being down, slow
 * or failing (5xx) opens it. Metrics: {@code resilience4j_circuitbreaker_*}, name {@code user-service-account}.
 */
@Component
class AccountCalls {

    static final String NAME = "user-service-account";
    static final String INVALID_LINK = "/problems/invalid-link";

    private static final Logger log = LoggerFactory.getLogger(AccountCalls.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final UserServiceBreaker.Guard guard;

    AccountCalls(CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads, MeterRegistry meters) {
        this.guard = UserServiceBreaker.guard(NAME, breakers, bulkheads, meters);
    }

    @Bean
    static CircuitBreakerConfigCustomizer accountAnswers() {
        return UserServiceBreaker.answersAreNotFailures(
                NAME, answer -> answer.status() >= 400 && answer.status() < 500);
    }

    /**
     * Runs {@code call}; a problem user-service answered comes back as one of the exceptions below, and anything else
     * (down, timed out, breaker open, 5xx) as {@link Unavailable}. {@code what} names the call in the log, never its
     * arguments (they hold tokens, codes and passwords).
     */
    void call(String what, Runnable call) {
        try {
            guard.call(() -> {
                call.run();
                return null;
            });
        } catch (FeignException answer) {
            throw read(what, answer);
        } catch (RuntimeException failure) {
            log.warn("Account call {} failed: {}", what, failure.getClass().getSimpleName());
            throw new Unavailable();
        }
    }

    private static RuntimeException read(String what, FeignException answer) {
        Optional<JsonNode> problem = problem(answer);
        String type = problem.map(p -> p.path("type").asString("")).orElse("");
        return switch (answer.status()) {
            case 400 -> type.endsWith(INVALID_LINK) ? new InvalidLink() : new Rejected(messages(problem));
            // A wrong current password (the deletion's re-authentication).
            case 403 -> new Rejected(messages(problem));
            case 404 -> new Gone();
            case 409 -> new Conflict();
            case 429 -> new TooManyRequests(retryAfter(answer));
            default -> {
                // No message text: Feign's includes the request, whose body holds the secret.
                log.warn("Account call {} answered {}", what, answer.status());
                yield new Unavailable();
            }
        };
    }

    private static Optional<JsonNode> problem(FeignException answer) {
        try {
            return Optional.of(JSON.readTree(answer.contentUTF8()));
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** The problem's field errors ({@code errors[].message}), else its {@code detail}. */
    private static List<String> messages(Optional<JsonNode> problem) {
        List<String> messages = new ArrayList<>();
        problem.ifPresent(p -> {
            for (JsonNode error : p.path("errors")) {
                messages.add(error.path("field").asString("") + " "
                        + error.path("message").asString(""));
            }
            if (messages.isEmpty() && p.hasNonNull("detail")) {
                messages.add(p.get("detail").asString());
            }
        });
        if (messages.isEmpty()) {
            messages.add("The request was not accepted.");
        }
        return messages.stream().map(String::strip).toList();
    }

    private static Duration retryAfter(FeignException answer) {
        // Feign reads Retry-After itself for a 429 it makes retryable: the moment to retry at, in epoch milliseconds.
        if (answer instanceof RetryableException retryable && retryable.retryAfter() != null) {
            long millis = retryable.retryAfter() - System.currentTimeMillis();
            return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
        }
        return answer.responseHeaders().entrySet().stream()
                .filter(header -> "retry-after".equalsIgnoreCase(header.getKey()))
                .flatMap(header -> header.getValue().stream())
                .findFirst()
                .flatMap(AccountCalls::seconds)
                .orElse(Duration.ofMinutes(1));
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.strip())));
        } catch (NumberFormatException dateForm) {
            return Optional.empty();
        }
    }

    /** The link or code is wrong, expired or used: user-service gives one answer for all of them. */
    static final class InvalidLink extends RuntimeException {
        InvalidLink() {
            super("invalid-link", null, false, false);
        }
    }

    /** The form broke a rule (the password policy, a missing field): {@code messages} say which. */
    static final class Rejected extends RuntimeException {
        private final List<String> messages;

        Rejected(List<String> messages) {
            super("rejected", null, false, false);
            this.messages = messages;
        }

        List<String> messages() {
            return messages;
        }
    }

    /** The address is taken (an email change) or already registered (sign-up configured to say so). */
    static final class Conflict extends RuntimeException {
        Conflict() {
            super("conflict", null, false, false);
        }
    }

    static final class TooManyRequests extends RuntimeException {
        private final Duration retryAfter;

        TooManyRequests(Duration retryAfter) {
            super("too-many-requests", null, false, false);
            this.retryAfter = retryAfter;
        }

        Duration retryAfter() {
            return retryAfter;
        }
    }

    /** The account is not there (any more). */
    static final class Gone extends RuntimeException {
        Gone() {
            super("gone", null, false, false);
        }
    }

    /** user-service down, slow, failing, or the breaker open. */
    static final class Unavailable extends RuntimeException {
        Unavailable() {
            super("unavailable", null, false, false);
        }
    }
}
