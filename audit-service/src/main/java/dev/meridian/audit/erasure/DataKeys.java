package dev.meridian.audit.erasure;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Crypto-shredding (GDPR Art. 17 without rewriting the append-only log): each user's personal data in the log is
 * sealed with a data key of their own (AES-256-GCM, random), stored in {@code user_data_key} encrypted under the
 * master key ({@link DataKeySettings}). Erasing a user destroys the key and leaves a tombstone row (no key, the time
 * of erasure), so that what was sealed with it can never be opened again, and an event that arrives for the user
 * afterwards is stored with no personal data at all instead of under a fresh key.
 */
public class DataKeys {

    private final JdbcClient jdbc;
    private final Aead master;

    DataKeys(JdbcClient jdbc, Aead master) {
        this.jdbc = jdbc;
        this.master = master;
    }

    /** Throws {@link WrongMasterKey} when a stored key does not open with the master key. */
    void checkMasterKey() {
        jdbc.sql("select user_id, wrapped_key from user_data_key where wrapped_key is not null limit 1")
                .query((row, n) -> unwrap(row.getObject("user_id", UUID.class), row.getBytes("wrapped_key")))
                .list();
    }

    /** The user's key to seal a new entry with, made on their first event; empty once the user is erased. */
    public Optional<UserKey> forWriting(UUID userId) {
        jdbc.sql("insert into user_data_key (user_id, wrapped_key) values (:userId, :wrapped)"
                        + " on conflict (user_id) do nothing")
                .param("userId", userId)
                .param("wrapped", master.seal(associatedData(userId), Aead.randomKey()))
                .update();
        return forReading(List.of(userId)).values().stream().findFirst();
    }

    /** The keys of those of these users that are not erased. */
    public Map<UUID, UserKey> forReading(Collection<UUID> userIds) {
        Map<UUID, UserKey> keys = new HashMap<>();
        if (userIds.isEmpty()) {
            return keys;
        }
        jdbc.sql("select user_id, wrapped_key from user_data_key"
                        + " where user_id in (:userIds) and wrapped_key is not null")
                .param("userIds", List.copyOf(userIds))
                .query((row, n) -> {
                    UUID userId = row.getObject("user_id", UUID.class);
                    keys.put(userId, unwrap(userId, row.getBytes("wrapped_key")));
                    return userId;
                })
                .list();
        return keys;
    }

    /**
     * Destroys the user's key (the row keeps no key material, only when it was erased). Idempotent: a redelivered
     * deletion finds the tombstone and changes nothing; a user the log has never seen gets one, so that a late event
     * of theirs is not sealed under a new key.
     */
    public void erase(UUID userId) {
        jdbc.sql("""
                        insert into user_data_key (user_id, wrapped_key, erased_at)
                        values (:userId, null, clock_timestamp())
                        on conflict (user_id) do update
                            set wrapped_key = null,
                                erased_at = coalesce(user_data_key.erased_at, excluded.erased_at)
                        """).param("userId", userId).update();
    }

    private UserKey unwrap(UUID userId, byte[] wrapped) {
        try {
            return new UserKey(new Aead(master.open(associatedData(userId), wrapped)));
        } catch (GeneralSecurityException e) {
            throw new WrongMasterKey(userId);
        }
    }

    private static byte[] associatedData(UUID userId) {
        return userId.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One user's data key: seals and opens that user's entries, each bound to its event id. */
    public static final class UserKey {

        private final Aead key;

        private UserKey(Aead key) {
            this.key = key;
        }

        public byte[] seal(UUID eventId, byte[] plaintext) {
            return key.seal(associatedData(eventId), plaintext);
        }

        public byte[] open(UUID eventId, byte[] sealed) {
            try {
                return key.open(associatedData(eventId), sealed);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Audit entry of event " + eventId + " does not open with its user's"
                        + " key: it was altered or moved");
            }
        }
    }

    /** The stored data keys were not encrypted under this master key (or were altered). */
    static final class WrongMasterKey extends IllegalStateException {
        WrongMasterKey(UUID userId) {
            super("The data key of user " + userId + " cannot be decrypted with meridian.audit.data-keys.master-key"
                    + " (MERIDIAN_AUDIT_DATA_KEYS_MASTER_KEY): it is not the key the data keys were encrypted with,"
                    + " or the stored key was altered. Set the key they were encrypted with.");
        }
    }
}
