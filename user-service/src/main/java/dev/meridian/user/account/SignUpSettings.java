package dev.meridian.user.account;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code revealExistingEmail}: answer an anonymous sign-up for a registered address with {@code 409} (and a new one
 * with {@code 201} and the account), as before. Off by default: sign-up then answers {@code 202} either way and the
 * address's owner is told by mail, so sign-up does not tell who has an account (OWASP Authentication Cheat Sheet) —
 * at most once per {@code existingEmailNoticeInterval}, so repeated sign-ups cannot flood the owner's mailbox.
 */
@ConfigurationProperties("meridian.sign-up")
public record SignUpSettings(
        @DefaultValue("false") boolean revealExistingEmail,
        @DefaultValue("1h") Duration existingEmailNoticeInterval) {}
