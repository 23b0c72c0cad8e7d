package dev.meridian.notification.links;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the mails that carry a link are sent: the scheduled sender looks for due ones every {@code pollInterval}, up
 * to {@code batchSize} a round; a mail whose link could not be fetched is tried again after {@code initialBackOff},
 * doubling to {@code maxBackOff}, and given up (recorded as skipped) after {@code giveUpAfter}, by when its link
 * would have expired anyway. The breaker around the fetch: {@link LinkBreaker}.
 */
@ConfigurationProperties("meridian.mail.links")
@Validated
record LinkSettings(
        @DefaultValue("1s") @NotNull Duration pollInterval,
        @DefaultValue("20") @Min(1) int batchSize,
        @DefaultValue("2s") @NotNull Duration initialBackOff,
        @DefaultValue("5m") @NotNull Duration maxBackOff,
        @DefaultValue("24h") @NotNull Duration giveUpAfter) {}
