package dev.meridian.user.account;

public enum AccountStatus {
    ACTIVE,
    DEACTIVATED
}
