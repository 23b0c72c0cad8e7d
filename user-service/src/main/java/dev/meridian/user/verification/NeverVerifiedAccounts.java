package dev.meridian.user.verification;

import dev.meridian.events.UserDeleted;
import dev.meridian.user.account.UserAccounts;
import dev.meridian.user.account.VerificationSettings;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.CacheManager;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Removes accounts whose address was never verified within {@code meridian.verification.remove-unverified-after}
 * (an address typed wrong, or someone else's), announcing each with {@code UserDeleted(reason "never-verified")} in
 * the same transaction. Instances run it concurrently without doing a row twice: each batch takes its rows
 * {@code FOR UPDATE SKIP LOCKED}, and the delete re-checks that the address is still unverified.
 */
@Component
class NeverVerifiedAccounts {

    static final String REASON = UserDeleted.NEVER_VERIFIED;
    private static final Logger log = LoggerFactory.getLogger(NeverVerifiedAccounts.class);
    private static final int BATCH = 100;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final CacheManager caches;
    private final VerificationSettings settings;
    private final Clock clock;

    NeverVerifiedAccounts(
            JdbcClient jdbc,
            TransactionTemplate transactions,
            ApplicationEventPublisher events,
            CacheManager caches,
            VerificationSettings settings,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.events = events;
        this.caches = caches;
        this.settings = settings;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${meridian.verification.cleanup-interval:1h}")
    void removeNeverVerified() {
        int removed = 0;
        int batch;
        do {
            Integer done = transactions.execute(status -> removeBatch());
            batch = done == null ? 0 : done;
            removed += batch;
        } while (batch == BATCH);
        if (removed > 0) {
            log.info("Removed {} accounts never verified within {}", removed, settings.removeUnverifiedAfter());
        }
    }

    private int removeBatch() {
        List<UUID> ids = jdbc.sql("""
                        select id from users
                        where not email_verified and created_at < :before
                        order by created_at limit :batch
                        for update skip locked""")
                .param("before", Timestamp.from(clock.instant().minus(settings.removeUnverifiedAfter())))
                .param("batch", BATCH)
                .query(UUID.class)
                .list();
        var cache = caches.getCache(UserAccounts.CACHE);
        for (UUID id : ids) {
            if (jdbc.sql("delete from users where id = :id and not email_verified")
                            .param("id", id)
                            .update()
                    == 1) {
                events.publishEvent(new UserDeleted(UUID.randomUUID(), id, null, clock.instant(), REASON));
                if (cache != null) {
                    cache.evict(id.toString());
                }
            }
        }
        return ids.size();
    }
}
