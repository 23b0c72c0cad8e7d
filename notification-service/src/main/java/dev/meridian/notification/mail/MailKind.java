package dev.meridian.notification.mail;

import java.util.UUID;

/**
 * The mails this service sends: a subject and a template, {@code mail/<template>.html} and {@code .txt}. One event
 * may ask for several (an email change: a confirmation to the new address, a notice to the previous one); each has
 * a {@code Message-ID} of its own, made from the event id and the kind.
 */
public enum MailKind {
    WELCOME("welcome", "Welcome to Meridian"),
    EMAIL_CONFIRMATION("email-confirmation", "Your Meridian sign-in email has changed"),
    /** To the address an account had before its email was changed. */
    EMAIL_CHANGED_NOTICE("email-changed-notice", "Your Meridian sign-in email was changed"),
    PASSWORD_CHANGED("password-changed", "Your Meridian password was changed"),
    /** A link and a code that verify the address; the link fetched from user-service. */
    EMAIL_VERIFICATION("email-verification", "Confirm your email address for Meridian"),
    /** To a registered address someone tried to sign up with: sign-up answers alike for new and known addresses. */
    SIGN_UP_ATTEMPT("sign-up-attempt", "Someone tried to sign up to Meridian with your address"),
    PASSWORD_RESET("password-reset", "Reset your Meridian password"),
    /** To the new address of a requested email change: the link that applies it. */
    EMAIL_CHANGE_CONFIRMATION("email-change-confirmation", "Confirm your new Meridian sign-in email"),
    /** To the current address of a requested email change: the "this wasn't me" link that cancels it. */
    EMAIL_CHANGE_REQUESTED_NOTICE(
            "email-change-requested-notice", "A change of your Meridian sign-in email was asked for"),
    EMAIL_CHANGE_CANCELLED("email-change-cancelled", "Your Meridian email change was cancelled"),
    /** Security notices of auth-service's events: a factor of any kind (an app, a passkey) added or removed. */
    SECOND_FACTOR_ADDED("second-factor-added", "A second factor was added to your Meridian account"),
    SECOND_FACTOR_REMOVED("second-factor-removed", "A second factor was removed from your Meridian account"),
    RECOVERY_CODES_REGENERATED("recovery-codes-regenerated", "New recovery codes were made for your Meridian account");

    private final String template;
    private final String subject;

    MailKind(String template, String subject) {
        this.template = template;
        this.subject = subject;
    }

    String template() {
        return template;
    }

    String subject() {
        return subject;
    }

    /** The event id alone for the mail an event asked for first (as before there were several), else with the kind. */
    String messageIdLocalPart(UUID eventId) {
        return this == WELCOME || this == EMAIL_CONFIRMATION ? eventId.toString() : eventId + "." + template;
    }
}
