package dev.meridian.auth.secondfactor;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Second factors: {@code issuer} is the account name's prefix the authenticator app shows; wrong codes are throttled
 * per account: {@code freeFailures} within {@code failureWindow}, then each further wrong code locks the challenge
 * for {@code firstLock}, doubling up to {@code maxLock}. {@code reauthentication} is how recent the password sign-in
 * must be to enrol, remove a factor or make new recovery codes.
 */
@ConfigurationProperties("meridian.auth.second-factor")
@Validated
record SecondFactorSettings(
        @DefaultValue("Meridian") @NotBlank String issuer,
        @DefaultValue("5") @Min(1) int freeFailures,
        @DefaultValue("15m") @NotNull Duration failureWindow,
        @DefaultValue("30s") @NotNull Duration firstLock,
        @DefaultValue("15m") @NotNull Duration maxLock,
        @DefaultValue("5m") @NotNull Duration reauthentication) {}
