package dev.meridian.auth.secondfactor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Ten single-use codes that stand in for the authenticator app when it is lost. Each is 10 characters of base32 (50
 * random bits), shown as {@code xxxxx-xxxxx} once, when made, and stored only as a SHA-256 digest: the codes are
 * random, not chosen, so no stretching is needed (the throttle in front limits guessing online). Typed codes are
 * compared without case, spaces or dashes.
 */
@Component
class RecoveryCodes {

    static final int COUNT = 10;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient sql;

    RecoveryCodes(JdbcClient sql) {
        this.sql = sql;
    }

    /** New codes for {@code user}, replacing every earlier one (used or not); the only time they are readable. */
    @Transactional
    List<String> replace(UUID user) {
        forget(user);
        List<String> codes = new ArrayList<>();
        while (codes.size() < COUNT) {
            StringBuilder code = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
            }
            String shown = code.substring(0, 5) + "-" + code.substring(5);
            if (!codes.contains(shown)) {
                codes.add(shown);
            }
        }
        codes.forEach(code -> sql.sql("insert into recovery_codes (user_id, code_hash) values (?, ?)")
                .params(user, digest(code))
                .update());
        return codes;
    }

    /**
     * Drops {@code user}'s codes once no second factor is left for them to stand in for: no authenticator app and no
     * passkey (Spring's {@code user_entities.name} is the user id). One statement, so a factor added meanwhile keeps
     * them.
     */
    void forgetUnlessAFactorIsLeft(UUID user) {
        sql.sql("""
                delete from recovery_codes
                 where user_id = :user
                   and not exists (select 1 from totp_factors where user_id = :user)
                   and not exists (select 1 from user_credentials c
                                     join user_entities e on e.id = c.user_entity_user_id
                                    where e.name = :name)
                """).param("user", user).param("name", user.toString()).update();
    }

    /** Drops every code of {@code user} (a deleted account). */
    void forget(UUID user) {
        sql.sql("delete from recovery_codes where user_id = ?").param(user).update();
    }

    /** Uses {@code typed} up if it is one of the user's unused codes; a used or unknown code is refused. */
    boolean use(UUID user, String typed, Instant now) {
        if (typed == null || typed.isBlank()) {
            return false;
        }
        return sql.sql("update recovery_codes set used_at = ? where user_id = ? and code_hash = ? and used_at is null")
                        .params(now.atOffset(ZoneOffset.UTC), user, digest(typed))
                        .update()
                == 1;
    }

    int unused(UUID user) {
        return sql.sql("select count(*) from recovery_codes where user_id = ? and used_at is null")
                .param(user)
                .query(Integer.class)
                .single();
    }

    private static String digest(String code) {
        String normal = code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(normal.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
