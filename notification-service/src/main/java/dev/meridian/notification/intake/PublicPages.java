package dev.meridian.notification.intake;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where people find Meridian's pages (the gateway's public URL), for the notices that point at signing in or
 * resetting a password. Links that act on an account come from user-service instead (links.MailLinks).
 */
@ConfigurationProperties("meridian.mail.pages")
@Validated
record PublicPages(
        @DefaultValue("http://localhost:8080") @NotNull URI base) {

    String signIn() {
        return base.resolve("/login").toString();
    }

    String forgotPassword() {
        return base.resolve("/account/forgot-password").toString();
    }
}
