package dev.meridian.discovery.security;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The one account of the registry (contract C6), from {@code EUREKA_USERNAME}/{@code EUREKA_PASSWORD}: services,
 * peers and the operator at the dashboard all use it. Clients carry it in the user-info of their
 * {@code eureka.client.service-url}, so it must survive a URL unencoded: the characters RFC 3986 calls unreserved only
 * ({@code openssl rand -hex 32} makes a good password). Without it the registry does not start.
 */
@Validated
@ConfigurationProperties("meridian.registry")
record RegistryCredentials(
        @NotBlank(message = "is missing: set EUREKA_USERNAME (the dev profile has a default)")
        @Pattern(
                regexp = "[A-Za-z0-9._~-]*",
                message = "must be URL-safe (letters, digits, . _ ~ -): clients send it in a URL")
        String username,

        @NotBlank(message = "is missing: set EUREKA_PASSWORD, e.g. from `openssl rand -hex 32`")
        @Size(min = 16, message = "is too short: at least 16 characters, e.g. from `openssl rand -hex 32`")
        @Pattern(
                regexp = "[A-Za-z0-9._~-]*",
                message = "must be URL-safe (letters, digits, . _ ~ -): clients send it in a URL;"
                        + " `openssl rand -hex 32` makes one")
        String password) {

    @Override
    public String toString() {
        return "RegistryCredentials[username=" + username + ", password=<hidden>]";
    }
}
