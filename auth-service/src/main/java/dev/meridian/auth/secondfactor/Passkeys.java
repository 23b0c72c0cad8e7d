package dev.meridian.auth.secondfactor;

import dev.meridian.auth.sessions.SecurityEvents;
import dev.meridian.auth.sessions.Sessions;
import dev.meridian.events.SecondFactorEnrolled;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.management.JdbcUserCredentialRepository;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.UserCredentialRepository;

/**
 * The users' passkeys: Spring Security's {@link JdbcUserCredentialRepository} (table {@code user_credentials}), which
 * its WebAuthn filters read and write, with what a new or removed second factor means here (a user's last factor gone takes their recovery codes along). A passkey saved for the
 * first time (Spring's registration, after verifying the attestation) is reported as {@code SecondFactorEnrolled}
 * and ends the token sessions signed in before it, as an authenticator app's enrolment does; a removed one (this
 * service's page or Spring's {@code DELETE /webauthn/register/{id}}) as {@code SecondFactorRemoved}. Every later save
 * is a sign-in updating the signature counter and last use.
 */
class Passkeys implements UserCredentialRepository {

    private final UserCredentialRepository credentials;
    private final PublicKeyCredentialUserEntityRepository users;
    private final JdbcClient sql;
    private final RecoveryCodes recoveryCodes;
    private final SecurityEvents events;
    private final Sessions sessions;

    Passkeys(
            UserCredentialRepository credentials,
            PublicKeyCredentialUserEntityRepository users,
            JdbcClient sql,
            RecoveryCodes recoveryCodes,
            SecurityEvents events,
            Sessions sessions) {
        this.credentials = credentials;
        this.users = users;
        this.sql = sql;
        this.recoveryCodes = recoveryCodes;
        this.events = events;
        this.sessions = sessions;
    }

    private static final DateTimeFormatter SHOWN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /**
     * A passkey as the second-factor page lists it: {@code id} is the credential id, base64url; {@code lastUsed} as
     * the page shows it.
     */
    record Passkey(
            String id,
            String label,
            @Nullable Instant created,
            @Nullable String lastUsed) {}

    @Override
    public void save(CredentialRecord record) {
        boolean added = credentials.findByCredentialId(record.getCredentialId()) == null;
        credentials.save(record);
        UUID user = owner(record);
        if (added && user != null) {
            events.secondFactorEnrolled(user, SecondFactorEnrolled.PASSKEY, 0);
            sessions.endAllForCredentialChange(user);
        }
    }

    @Override
    public void delete(Bytes credentialId) {
        CredentialRecord record = credentials.findByCredentialId(credentialId);
        if (record == null) {
            return;
        }
        credentials.delete(credentialId);
        UUID user = owner(record);
        if (user != null) {
            recoveryCodes.forgetUnlessAFactorIsLeft(user); // the last passkey of a user without an app takes them along
            events.secondFactorRemoved(user, user, SecondFactorEnrolled.PASSKEY);
            sessions.endAllForCredentialChange(user);
        }
    }

    @Override
    public @Nullable CredentialRecord findByCredentialId(Bytes credentialId) {
        return credentials.findByCredentialId(credentialId);
    }

    @Override
    public List<CredentialRecord> findByUserId(Bytes userId) {
        return credentials.findByUserId(userId);
    }

    /**
     * Whether {@code user} has a passkey: one indexed look-up, as it is asked on every authorization check of a
     * password sign-in ({@link SecondFactors#enrolled}).
     */
    boolean registered(UUID user) {
        return sql.sql("""
                        select exists (select 1 from user_credentials c
                                         join user_entities e on e.id = c.user_entity_user_id
                                        where e.name = ?)
                        """).param(user.toString()).query(Boolean.class).single();
    }

    /** The user's passkeys, oldest first. */
    List<Passkey> of(UUID user) {
        PublicKeyCredentialUserEntity entity = users.findByUsername(user.toString());
        if (entity == null) {
            return List.of();
        }
        return credentials.findByUserId(entity.getId()).stream()
                .map(record -> new Passkey(
                        record.getCredentialId().toBase64UrlString(),
                        record.getLabel(),
                        record.getCreated(),
                        record.getLastUsed() == null ? null : SHOWN.format(record.getLastUsed())))
                .sorted(Comparator.comparing(Passkey::created, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
    }

    /** Removes {@code user}'s passkey {@code id}; false when the user has none of that id (someone else's, say). */
    boolean remove(UUID user, String id) {
        Bytes credentialId;
        try {
            credentialId = Bytes.fromBase64(id);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        CredentialRecord record = credentials.findByCredentialId(credentialId);
        if (record == null || !user.equals(owner(record))) {
            return false;
        }
        delete(credentialId);
        return true;
    }

    /**
     * Forgets a deleted user's passkeys and the WebAuthn user handle they were made for; no event, no session to end
     * (the deletion ended them all).
     */
    void forget(UUID user) {
        // In SQL, not through Spring's repository: its row mapping is not needed to delete, and must not stop it.
        sql.sql("""
                        delete from user_credentials
                         where user_entity_user_id in (select id from user_entities where name = ?)
                        """).param(user.toString()).update();
        sql.sql("delete from user_entities where name = ?")
                .param(user.toString())
                .update();
    }

    private @Nullable UUID owner(CredentialRecord record) {
        PublicKeyCredentialUserEntity entity = users.findById(record.getUserEntityUserId());
        if (entity == null) {
            return null;
        }
        try {
            return UUID.fromString(entity.getName());
        } catch (IllegalArgumentException notAUser) {
            return null;
        }
    }
}
