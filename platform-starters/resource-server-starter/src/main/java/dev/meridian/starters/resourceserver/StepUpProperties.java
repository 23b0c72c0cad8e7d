package dev.meridian.starters.resourceserver;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code meridian.resource-server.step-up}: the {@code acr} values (RFC 9470) a token must carry where a service's
 * rules ask for {@link StepUp}: auth-service's {@code urn:meridian:acr:mfa}, a sign-in with a second factor. Named
 * in the challenge's {@code acr_values} in this order, so a client knows what to ask auth-service for.
 */
@ConfigurationProperties("meridian.resource-server.step-up")
@Validated
public record StepUpProperties(
        @DefaultValue(StepUp.MFA) @NotEmpty List<@NotBlank String> acrValues) {}
