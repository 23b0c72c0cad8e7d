package dev.meridian.starters.accesstoken;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code meridian.revocation-list}: whether this resource server refuses tokens on the revocation list (on unless
 * switched off), how often its copy is read again in full although announcements keep it current (pub/sub is
 * fire-and-forget), how often Redis is tried again while the copy is incomplete, and how long one token's look-up
 * and one read of the whole list may take.
 */
@ConfigurationProperties("meridian.revocation-list")
@Validated
public record RevocationListProperties(
        @DefaultValue("true") boolean enabled,

        @DefaultValue("30s") @NotNull @DurationMin(seconds = 1)
        Duration resyncInterval,

        @DefaultValue("1s") @NotNull @DurationMin(millis = 10)
        Duration retryInterval,

        @DefaultValue("100ms") @NotNull @DurationMin(millis = 1)
        Duration lookupTimeout,

        @DefaultValue("2s") @NotNull @DurationMin(millis = 1)
        Duration readTimeout) {}
