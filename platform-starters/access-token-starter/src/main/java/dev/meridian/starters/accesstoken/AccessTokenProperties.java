package dev.meridian.starters.accesstoken;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code meridian.access-token}: the JOSE {@code typ} values a JWT must carry to be taken as an access token —
 * {@code at+jwt} or its full media type (RFC 9068 §4). An ID token ({@code JWT}) or an untyped JWT is refused
 * (RFC 8725 §3.11), even when correctly signed for this audience.
 */
@ConfigurationProperties("meridian.access-token")
@Validated
public record AccessTokenProperties(
        @DefaultValue({"at+jwt", "application/at+jwt"}) @NotEmpty
        List<@NotBlank String> types) {}
