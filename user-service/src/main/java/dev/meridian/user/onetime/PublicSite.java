package dev.meridian.user.onetime;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The public site mailed links open: the gateway, which routes {@code /account/**} to auth-service's pages. */
@ConfigurationProperties("meridian")
@Validated
public record PublicSite(@NotNull URI publicUrl) {}
