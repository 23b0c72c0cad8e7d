package dev.meridian.auth.sessions;

import java.util.UUID;

/**
 * A deleted user was forgotten ({@link Sessions#forget}): published inside its transaction, so that what other modules
 * keep of the user (the second factors) is erased with the sessions or not at all, and a failure leaves the deletion
 * event to be retried whole. Sessions cannot call those modules itself: they depend on it.
 */
public record UserForgotten(UUID user) {}
