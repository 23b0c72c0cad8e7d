package dev.meridian.user.account;

/** What an account may do. Administrators manage every account; users manage their own. */
public enum Role {
    USER,
    ADMIN
}
