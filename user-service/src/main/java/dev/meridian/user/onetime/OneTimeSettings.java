package dev.meridian.user.onetime;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long each kind of mailed link works, how many wrong codes a request survives, and how long dead requests are
 * kept (for the throttles that count recent ones) before the cleanup removes them.
 */
@ConfigurationProperties("meridian.one-time-requests")
@Validated
public record OneTimeSettings(
        @DefaultValue("24h") Duration verificationLifetime,
        @DefaultValue("30m") Duration resetLifetime,
        @DefaultValue("24h") Duration emailChangeLifetime,
        @DefaultValue("5") @Min(1) int maxCodeAttempts,
        @DefaultValue("7d") Duration retention) {

    Duration lifetime(Purpose purpose) {
        return switch (purpose) {
            case VERIFY_EMAIL -> verificationLifetime;
            case RESET_PASSWORD -> resetLifetime;
            case CONFIRM_EMAIL_CHANGE, CANCEL_EMAIL_CHANGE -> emailChangeLifetime;
        };
    }
}
