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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.crypto.encrypt.TextEncryptor;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The RSA keys tokens are signed with, kept in PostgreSQL so that every replica signs with the same key and publishes
 * the same JWKS, and a restart changes neither. The newest key signs ({@link #signingKey()}); a key older than the
 * rotation interval is replaced on first use, by one replica (advisory lock). Keys retired less than
 * {@code publishedAfterRetirement} ago stay published ({@link #published()}).
 */
@Component
public class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final long ROTATION_LOCK = 0x6d65726964_6b6579L; // "meridkey"

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final KeySettings settings;
    private final TextEncryptor encryptor;
    private final Clock clock;
    private volatile Snapshot snapshot = new Snapshot(List.of(), Instant.MIN);

    SigningKeys(JdbcClient jdbc, TransactionTemplate transactions, KeySettings settings, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.settings = settings;
        this.encryptor = Encryptors.delux(settings.encryptionPassword(), settings.encryptionSalt());
        this.clock = clock;
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
                        parse(encryptor.decrypt(row.getString("encrypted_jwk"))),
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
                .params(key.getKeyID(), encryptor.encrypt(key.toJSONString()), Timestamp.from(clock.instant()))
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

    private record Snapshot(List<StoredKey> keys, Instant takenAt) {}
}
