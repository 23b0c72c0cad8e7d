package dev.meridian.auth.secondfactor;

import dev.meridian.auth.keys.KeyCipher;
import dev.meridian.auth.keys.KeySettings;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The users' authenticator apps (table {@code totp_factors}): the shared secret encrypted with {@link KeyCipher} (the
 * key id {@code totp:<user id>} as associated data, so a secret copied to another user's row does not decrypt), and
 * the newest step a code was accepted for.
 */
@Component
class TotpFactors {

    private final JdbcClient sql;
    private final KeyCipher cipher;

    TotpFactors(JdbcClient sql, KeySettings keys) {
        this.sql = sql;
        this.cipher = new KeyCipher(keys.encryptionKeyBytes());
    }

    boolean enrolled(UUID user) {
        return sql.sql("select count(*) from totp_factors where user_id = ?")
                        .param(user)
                        .query(Long.class)
                        .single()
                > 0;
    }

    Optional<byte[]> secret(UUID user) {
        return sql.sql("select secret from totp_factors where user_id = ?")
                .param(user)
                .query(String.class)
                .optional()
                .map(stored -> Totp.fromBase32(cipher.decrypt(keyId(user), stored)));
    }

    /**
     * Stores the app whose code for {@code confirmedStep} the user has just typed (that step counts as used). False
     * when the user already has one: a second enrolment needs the first removed.
     */
    boolean enrol(UUID user, byte[] secret, long confirmedStep, Instant now) {
        return sql.sql("""
                        insert into totp_factors (user_id, secret, enrolled_at, last_step) values (?, ?, ?, ?)
                        on conflict (user_id) do nothing
                        """)
                        .params(
                                user,
                                cipher.encrypt(keyId(user), Totp.base32(secret)),
                                now.atOffset(ZoneOffset.UTC),
                                confirmedStep)
                        .update()
                == 1;
    }

    /**
     * Marks {@code step} used, if it is newer than every step used before: one conditional update, so two requests
     * with the same code (on two instances) cannot both succeed.
     */
    boolean use(UUID user, long step) {
        return sql.sql("update totp_factors set last_step = ? where user_id = ? and last_step < ?")
                        .params(step, user, step)
                        .update()
                == 1;
    }

    /** Removes {@code user}'s authenticator app; false when they had none. */
    boolean remove(UUID user) {
        return sql.sql("delete from totp_factors where user_id = ?").param(user).update() == 1;
    }

    private static String keyId(UUID user) {
        return "totp:" + user;
    }
}
