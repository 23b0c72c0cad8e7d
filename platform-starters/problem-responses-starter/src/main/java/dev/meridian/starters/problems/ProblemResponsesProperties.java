package dev.meridian.starters.problems;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code meridian.problems}: whether this service's errors are answered by this starter (on unless switched off; an
 * application that answers them all itself switches it off, or defines the beans it wants to replace).
 */
@ConfigurationProperties("meridian.problems")
@Validated
public record ProblemResponsesProperties(
        @DefaultValue("true") boolean enabled) {}
