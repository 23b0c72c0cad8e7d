package dev.meridian.user.account;

import dev.meridian.user.onetime.RequestLimit;
import jakarta.validation.Valid;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What an account whose address is not verified may do, how often it may ask for another verification mail, and
 * when it is removed for never verifying. By default it may sign in and read its profile, not change it.
 */
@ConfigurationProperties("meridian.verification")
@Validated
public record VerificationSettings(
        @DefaultValue("false") boolean requiredForSignIn,
        @DefaultValue("true") boolean requiredForChanges,
        @DefaultValue("3d") Duration removeUnverifiedAfter,
        @DefaultValue("1h") Duration cleanupInterval,
        @Valid List<RequestLimit> resend) {

    public VerificationSettings {
        resend = resend == null
                ? List.of(new RequestLimit(1, Duration.ofMinutes(1)), new RequestLimit(5, Duration.ofDays(1)))
                : List.copyOf(resend);
    }
}
