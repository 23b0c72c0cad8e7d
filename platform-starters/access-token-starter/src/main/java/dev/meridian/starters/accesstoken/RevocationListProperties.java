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
 * and one read of the whole list may take; and for how long after its copy was last known complete it still judges
 * tokens alone while Redis answers neither a read nor a look-up ({@code maxStaleness}: a token revoked meanwhile may
 * be served that much longer; after it, tokens the copy does not hold are refused).
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
        Duration readTimeout,

        @DefaultValue("60s") @NotNull Duration maxStaleness) {}
