package dev.meridian.notification.mail;

/** The mails this service sends: a subject and a template, {@code mail/<template>.html} and {@code .txt}. */
public enum MailKind {
    WELCOME("welcome", "Welcome to Meridian"),
    EMAIL_CONFIRMATION("email-confirmation", "Your Meridian sign-in email has changed");

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
}
