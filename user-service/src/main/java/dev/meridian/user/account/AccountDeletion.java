package dev.meridian.user.account;

/**
 * The body of a deletion: the owner re-authenticates with the account's current password, as for a change of
 * credentials, so a stolen access token alone cannot delete the account. An administrator deleting another
 * account sends none.
 */
public record AccountDeletion(String currentPassword) {

    @Override
    public String toString() {
        return "AccountDeletion[currentPassword=" + (currentPassword == null ? "" : "***") + "]";
    }
}
