package dev.meridian.user.onetime;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one-time requests behind mailed links and codes. A request is opened in the transaction of the event that
 * announces it (the event names its id, never a secret); the mailer later has its link minted
 * ({@link #mint}): a fresh token, and for verification a code, of which only hashes are stored, replacing earlier
 * ones so that only the last mailed link works. Using a request is one atomic {@code UPDATE … WHERE used_at IS NULL
 * AND expires_at > now() RETURNING}, so two clicks of one link cannot both succeed.
 *
 * <p>Why not Spring Security's {@code OneTimeTokenService} / {@code JdbcOneTimeTokenService}: they are built for
 * one-time-token <em>login</em> (a token per username, consumed into an authentication), store the token value in
 * plain text ({@code one_time_tokens.token_value}), and have no purpose, code, attempt count or re-minting. A read
 * of that table would hand out working links; here a read of this one hands out nothing.
 */
@Component
public class OneTimeRequests {

    /** A live request: whose, for what, and the address it was (or will be) mailed to. */
    public record Request(UUID id, UUID userId, Purpose purpose, String email) {}

    /** What the mailer puts in the mail. {@code code} only for verification. */
    public record MailLink(String link, String code, Instant expiresAt) {}

    private static final String LIVE = "used_at is null and expires_at > now() and attempts < :maxAttempts";

    private final JdbcClient jdbc;
    private final OneTimeSettings settings;
    private final PublicSite site;
    private final Clock clock;

    OneTimeRequests(JdbcClient jdbc, OneTimeSettings settings, PublicSite site, Clock clock) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.site = site;
        this.clock = clock;
    }

    /**
     * A new request, in the caller's transaction; it ends the user's open requests of the same purpose, so only the
     * newest mail's link works. Answers its id, for the event that announces it.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID open(UUID userId, Purpose purpose, String email) {
        UUID id = UUID.randomUUID();
        openWithId(id, userId, purpose, email);
        return id;
    }

    /** {@link #open} with an id chosen before, for an event registered before the row could be written. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void openWithId(UUID id, UUID userId, Purpose purpose, String email) {
        end(userId, purpose);
        Instant now = clock.instant();
        jdbc.sql("""
                        insert into one_time_requests (id, user_id, purpose, email, expires_at, created_at)
                        values (:id, :userId, :purpose, :email, :expiresAt, :createdAt)""")
                .param("id", id)
                .param("userId", userId)
                .param("purpose", purpose.value())
                .param("email", email)
                .param("expiresAt", Timestamp.from(now.plus(settings.lifetime(purpose))))
                .param("createdAt", Timestamp.from(now))
                .update();
    }

    /** Ends every open request of this purpose of the user (a newer one, or what it was for, happened). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void end(UUID userId, Purpose purpose) {
        jdbc.sql("""
                        update one_time_requests set used_at = now()
                        where user_id = :userId and purpose = :purpose and used_at is null""").param("userId", userId).param("purpose", purpose.value()).update();
    }

    /**
     * Mints the link (and code) of a live request, replacing any minted before; empty when the request is used,
     * expired, out of attempts or unknown. The secrets exist only in the answer.
     */
    @Transactional
    public Optional<MailLink> mint(UUID requestId) {
        String token = OneTimeSecrets.newToken();
        String code = OneTimeSecrets.newCode();
        return jdbc.sql("""
                        update one_time_requests
                        set token_hash = :tokenHash,
                            code_hash = case when purpose = 'verify-email' then :codeHash end
                        where id = :id and %s
                        returning purpose, expires_at""".formatted(LIVE))
                .param("tokenHash", OneTimeSecrets.tokenHash(token))
                .param("codeHash", OneTimeSecrets.codeHash(requestId, code))
                .param("id", requestId)
                .param("maxAttempts", settings.maxCodeAttempts())
                .query((row, n) -> {
                    Purpose purpose = Purpose.of(row.getString("purpose"));
                    return new MailLink(
                            site.publicUrl().toString().replaceAll("/+$", "") + purpose.page() + "?token=" + token,
                            purpose == Purpose.VERIFY_EMAIL ? code : null,
                            row.getTimestamp("expires_at").toInstant());
                })
                .optional();
    }

    /** The live request a link token names, without using it (to check a new password first). */
    public Optional<Request> peek(Purpose purpose, String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return jdbc.sql("""
                        select id, user_id, purpose, email from one_time_requests
                        where token_hash = :tokenHash and purpose = :purpose and %s""".formatted(LIVE))
                .param("tokenHash", OneTimeSecrets.tokenHash(token))
                .param("purpose", purpose.value())
                .param("maxAttempts", settings.maxCodeAttempts())
                .query(OneTimeRequests::request)
                .optional();
    }

    /** Uses the live request a link token names, once: of two concurrent uses, one gets it, the other nothing. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<Request> use(Purpose purpose, String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return jdbc.sql("""
                        update one_time_requests set used_at = now()
                        where token_hash = :tokenHash and purpose = :purpose and %s
                        returning id, user_id, purpose, email""".formatted(LIVE))
                .param("tokenHash", OneTimeSecrets.tokenHash(token))
                .param("purpose", purpose.value())
                .param("maxAttempts", settings.maxCodeAttempts())
                .query(OneTimeRequests::request)
                .optional();
    }

    /**
     * Uses the live verification request mailed to {@code email} if {@code code} is its code. Every try, right or
     * wrong, first takes one attempt in an atomic update, so concurrent guesses cannot exceed the limit; the try
     * that takes the last attempt and is wrong leaves the request dead. Runs in its own transaction so that a wrong
     * try stays counted whatever the caller does next.
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public Optional<Request> useCode(String email, String code) {
        if (code == null || !code.matches("[0-9]{6}")) {
            return Optional.empty();
        }
        record Attempt(UUID id, UUID userId, String email, String codeHash) {}
        Optional<Attempt> attempt = jdbc.sql("""
                        update one_time_requests set attempts = attempts + 1
                        where id = (select id from one_time_requests
                                    where email = :email and purpose = 'verify-email' and code_hash is not null
                                      and %s
                                    order by created_at desc limit 1)
                          and %s
                        returning id, user_id, email, code_hash""".formatted(LIVE, LIVE))
                .param("email", email)
                .param("maxAttempts", settings.maxCodeAttempts())
                .query((row, n) -> new Attempt(
                        row.getObject("id", UUID.class),
                        row.getObject("user_id", UUID.class),
                        row.getString("email"),
                        row.getString("code_hash")))
                .optional();
        if (attempt.isEmpty()
                || !OneTimeSecrets.same(
                        attempt.get().codeHash(),
                        OneTimeSecrets.codeHash(attempt.get().id(), code))) {
            return Optional.empty();
        }
        int used = jdbc.sql("update one_time_requests set used_at = now() where id = :id and used_at is null")
                .param("id", attempt.get().id())
                .update();
        return used == 1
                ? Optional.of(new Request(
                        attempt.get().id(),
                        attempt.get().userId(),
                        Purpose.VERIFY_EMAIL,
                        attempt.get().email()))
                : Optional.empty();
    }

    /**
     * How long until the user may open another request of this purpose, when one of the limits is reached: the
     * oldest request inside that limit's window must age out of it first.
     */
    public Optional<Duration> throttled(UUID userId, Purpose purpose, List<RequestLimit> limits) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        for (RequestLimit limit : limits) {
            record Recent(long count, Timestamp oldest) {}
            Recent recent = jdbc.sql("""
                            select count(*) as count, min(created_at) as oldest from one_time_requests
                            where user_id = :userId and purpose = :purpose and created_at > :since""")
                    .param("userId", userId)
                    .param("purpose", purpose.value())
                    .param("since", Timestamp.from(now.minus(limit.window())))
                    .query((row, n) -> new Recent(row.getLong("count"), row.getTimestamp("oldest")))
                    .single();
            if (recent.count() >= limit.count()) {
                Duration left =
                        Duration.between(now, recent.oldest().toInstant().plus(limit.window()));
                wait = left.compareTo(wait) > 0 ? left : wait;
            }
        }
        return wait.isPositive() ? Optional.of(wait) : Optional.empty();
    }

    /** Dead requests are kept a while (the throttles count recent ones), then removed. */
    @Scheduled(fixedDelayString = "${meridian.one-time-requests.cleanup-interval:1h}")
    void removeOld() {
        jdbc.sql("delete from one_time_requests where expires_at < :before")
                .param("before", Timestamp.from(clock.instant().minus(settings.retention())))
                .update();
    }

    private static Request request(java.sql.ResultSet row, int n) throws java.sql.SQLException {
        return new Request(
                row.getObject("id", UUID.class),
                row.getObject("user_id", UUID.class),
                Purpose.of(row.getString("purpose")),
                row.getString("email"));
    }
}
