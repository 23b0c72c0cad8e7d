package dev.meridian.notification.mail;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who the mail comes from ({@code "Name <address>"}) and the domain of the {@code Message-ID}s, which are built from
 * event ids so that a mail sent twice after a crash carries the same id both times.
 */
@ConfigurationProperties("meridian.mail")
@Validated
record MailSettings(
        @DefaultValue("Meridian <no-reply@meridian.local>") @NotBlank
        String from,

        @DefaultValue("meridian.local") @NotBlank String messageIdDomain) {}
