package dev.meridian.auth.server;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The authorization server's settings: its public {@code issuer} (the gateway's URL, as clients see it), token
 * lifetimes, and the clients it starts with.
 */
@ConfigurationProperties("meridian.auth")
@Validated
public record AuthSettings(
        @NotNull URI issuer,
        @DefaultValue("15m") @NotNull Duration accessTokenTtl,
        @DefaultValue("7d") @NotNull Duration refreshTokenTtl,
        @DefaultValue List<@Valid Client> clients) {

    /**
     * A client registered at start-up (and updated on every start). Without a {@code secret} it is a public client,
     * which must use PKCE. A secret must be random and long (e.g. {@code openssl rand -base64 32}): it is stored as a
     * salted SHA-256, not a slow password hash. {@code audiences} are the resource servers its access tokens are for ({@code aud}).
     * {@code requireSecondFactor}: a person signs in to it with a second factor or not at all; one who has none is
     * taken to set one up first (the administration console, say).
     */
    public record Client(
            @NotBlank String clientId,
            @Size(min = 20) String secret,
            @NotEmpty Set<String> grantTypes,
            @DefaultValue Set<String> scopes,
            @NotEmpty Set<String> audiences,
            @DefaultValue List<URI> redirectUris,
            @DefaultValue("false") boolean requireSecondFactor) {}
}
