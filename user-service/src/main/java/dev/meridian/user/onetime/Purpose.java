package dev.meridian.user.onetime;

/** What a one-time request is for: its stored name, and the page of the public site its link opens. */
public enum Purpose {
    VERIFY_EMAIL("verify-email", "/account/verify"),
    RESET_PASSWORD("reset-password", "/account/reset-password"),
    CONFIRM_EMAIL_CHANGE("confirm-email-change", "/account/email-change"),
    CANCEL_EMAIL_CHANGE("cancel-email-change", "/account/email-change/cancel");

    private final String value;
    private final String page;

    Purpose(String value, String page) {
        this.value = value;
        this.page = page;
    }

    public String value() {
        return value;
    }

    String page() {
        return page;
    }

    static Purpose of(String value) {
        for (Purpose purpose : values()) {
            if (purpose.value.equals(value)) {
                return purpose;
            }
        }
        throw new IllegalArgumentException("No purpose " + value);
    }
}
