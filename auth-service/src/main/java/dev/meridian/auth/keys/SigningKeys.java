package dev.meridian.auth.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The RSA keys tokens are signed with, kept in PostgreSQL so that every replica signs with the same key and publishes
 * the same JWKS, and a restart changes neither. The newest key signs ({@link #signingKey()}); a key older than the
 * rotation interval is replaced on first use, by one replica (advisory lock). Keys retired less than
 * {@code publishedAfterRetirement} ago stay published ({@link #published()}). Private keys are stored encrypted
 * ({@link KeyCipher}); at start-up every stored key is decrypted, so a wrong {@code encryption-key} stops the service
 * then, and keys still encrypted the former way (a key stretched from {@code encryption-password} and
 * {@code encryption-salt}) are re-encrypted, by one replica (the same advisory lock).
 */
@Component
public class SigningKeys implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final long ROTATION_LOCK = 0x6d65726964_6b6579L; // "meridkey"

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final KeySettings settings;
    private final KeyCipher cipher;
    private final Clock clock;
    private volatile Snapshot snapshot = new Snapshot(List.of(), Instant.MIN);

    SigningKeys(JdbcClient jdbc, TransactionTemplate transactions, KeySettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.settings = settings;
        this.cipher = new KeyCipher(settings.encryptionKeyBytes());
        this.clock = clock;
    }

    /**
     * Before the server takes requests: re-encrypts keys stored the former way, and proves every stored key decrypts
     * with the configured key. Throws, so that the service does not start, when either is impossible.
     */
    @Override
    public void afterSingletonsInstantiated() {
        transactions.executeWithoutResult(tx -> {
            lockRotation();
            List<Row> rows = jdbc.sql("select kid, encrypted_jwk from signing_key")
                    .query((row, n) -> new Row(row.getString("kid"), row.getString("encrypted_jwk")))
                    .list();
            List<Row> former = rows.stream()
                    .filter(row -> !KeyCipher.isCurrentFormat(row.stored()))
                    .toList();
            if (!former.isEmpty() && !settings.hasFormerEncryption()) {
                throw new FormerKeysUnreadable(former.size());
            }
            TextEncryptor formerCipher = former.isEmpty()
                    ? null
                    : Encryptors.delux(settings.encryptionPassword(), settings.encryptionSalt());
            for (Row row : rows) {
                if (KeyCipher.isCurrentFormat(row.stored())) {
                    parse(cipher.decrypt(row.kid(), row.stored()));
                    continue;
                }
                String jwk = decryptFormer(formerCipher, row);
                parse(jwk);
                jdbc.sql("update signing_key set encrypted_jwk = ? where kid = ?")
                        .params(cipher.encrypt(row.kid(), jwk), row.kid())
                        .update();
            }
            if (!former.isEmpty()) {
                log.info(
                        "Re-encrypted {} signing keys with AES-256-GCM under meridian.auth.keys.encryption-key;"
                                + " encryption-password and encryption-salt are no longer needed",
                        former.size());
            }
        });
    }

    private static String decryptFormer(TextEncryptor former, Row row) {
        try {
            return former.decrypt(row.stored());
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "Signing key " + row.kid() + " cannot be decrypted with meridian.auth.keys.encryption-password and"
                            + " encryption-salt (MERIDIAN_AUTH_KEYS_ENCRYPTION_PASSWORD, _SALT): set the values it was"
                            + " encrypted with",
                    e);
        }
    }

    /** What the JWKS endpoint serves and the authorization server's own decoder trusts: public keys only. */
    public JWKSource<SecurityContext> published() {
        return (selector, context) -> selector.select(new JWKSet(
                keys().stream().map(StoredKey::jwk).map(JWK::toPublicJWK).toList()));
    }

    /** What tokens are signed with: the newest key alone, so every token names it in its {@code kid}. */
    public JWKSource<SecurityContext> signingKey() {
        return (selector, context) ->
                selector.select(new JWKSet(keys().getFirst().jwk()));
    }

    /** Starts signing with a new key now; the current one is retired and stays published. */
    public void rotate() {
        transactions.executeWithoutResult(tx -> {
            lockRotation();
            insert(newKey());
        });
        snapshot = new Snapshot(List.of(), Instant.MIN);
    }

    /** The current keys, newest first, from a snapshot refreshed every {@code cacheTime}. */
    private List<StoredKey> keys() {
        Snapshot current = snapshot;
        Instant now = clock.instant();
        if (current.keys().isEmpty() || now.isAfter(current.takenAt().plus(settings.cacheTime()))) {
            current = new Snapshot(load(now), now);
            snapshot = current;
        }
        return current.keys();
    }

    private List<StoredKey> load(Instant now) {
        return transactions.execute(tx -> {
            List<StoredKey> keys = stored(now);
            if (dueForRotation(keys, now)) {
                // One replica rotates; the others wait here, then find its key.
                lockRotation();
                keys = stored(now);
                if (dueForRotation(keys, now)) {
                    insert(newKey());
                    keys = stored(now);
                }
            }
            return keys;
        });
    }

    private boolean dueForRotation(List<StoredKey> keys, Instant now) {
        return keys.isEmpty() || keys.getFirst().createdAt().isBefore(now.minus(settings.rotationInterval()));
    }

    /** Held until the transaction ends: one replica at a time creates a key. */
    private void lockRotation() {
        jdbc.sql("select pg_advisory_xact_lock(?)").param(ROTATION_LOCK).query().singleRow();
    }

    /**
     * The newest key and every key that signed until less than {@code publishedAfterRetirement} ago. A key was
     * retired when the next newer one was created.
     */
    private List<StoredKey> stored(Instant now) {
        List<StoredKey> all = jdbc.sql(
                        "select kid, encrypted_jwk, created_at from signing_key order by created_at desc")
                .query((row, n) -> new StoredKey(
                        parse(cipher.decrypt(row.getString("kid"), row.getString("encrypted_jwk"))),
                        row.getTimestamp("created_at").toInstant()))
                .list();
        Instant retiredSince = now.minus(settings.publishedAfterRetirement());
        return IntStream.range(0, all.size())
                .filter(i -> i == 0 || all.get(i - 1).createdAt().isAfter(retiredSince))
                .mapToObj(all::get)
                .toList();
    }

    private void insert(RSAKey key) {
        jdbc.sql("insert into signing_key (kid, encrypted_jwk, created_at) values (?, ?, ?)")
                .params(
                        key.getKeyID(),
                        cipher.encrypt(key.getKeyID(), key.toJSONString()),
                        Timestamp.from(clock.instant()))
                .update();
        log.info("New signing key {} in use", key.getKeyID());
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048)
                    .keyID(UUID.randomUUID().toString())
                    .keyUse(KeyUse.SIGNATURE)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not generate an RSA key", e);
        }
    }

    private static RSAKey parse(String json) {
        try {
            return RSAKey.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("A stored signing key is not an RSA JWK", e);
        }
    }

    private record StoredKey(RSAKey jwk, Instant createdAt) {}

    private record Row(String kid, String stored) {}

    /** Keys encrypted the former way, and nothing configured to read them with. */
    static final class FormerKeysUnreadable extends IllegalStateException {
        FormerKeysUnreadable(int count) {
            super(count + " signing keys are encrypted the former way (a key derived from a password). Set"
                    + " MERIDIAN_AUTH_KEYS_ENCRYPTION_PASSWORD and MERIDIAN_AUTH_KEYS_ENCRYPTION_SALT"
                    + " (meridian.auth.keys.encryption-password, encryption-salt) to the values they were encrypted"
                    + " with, once: they are then re-encrypted under MERIDIAN_AUTH_KEYS_ENCRYPTION_KEY.");
        }
    }

    private record Snapshot(List<StoredKey> keys, Instant takenAt) {}
}
