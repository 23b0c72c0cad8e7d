package dev.meridian.auth.server;

import dev.meridian.events.RevokedAccessTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Publishes every access token this server stops honouring before it expires (RFC 7009 revocation, logout, a
 * token family revoked for refresh-token reuse, a user's sessions ended) on the {@link RevokedAccessTokens revocation
 * list} in Redis, and announces it on the list's channel, so that the gateway and every resource server refuse it at
 * once without asking this server per request. Each entry is listed for as long as a validator could still accept
 * the token (its remaining life plus {@link RevokedAccessTokens#KEPT_PAST_EXPIRY}).
 *
 * <p>An entry Redis does not take (down, or slower than {@link Retry#attemptTimeout}) waits in a queue of bounded
 * size and is written again with exponential back-off until Redis takes it, oldest first; while entries wait,
 * new ones join the queue rather than overtake it, and a request never waits for a Redis known to fail. An entry
 * whose listed-until time passes while it waits is dropped (no validator accepts its token any more); when the queue
 * is full the oldest entry is dropped. Waiting entries are {@code meridian_auth_revocation_list_pending}, dropped ones
 * {@code meridian_auth_revocation_list_dropped_total{reason}}. The authorization store stays the source of truth
 * (introspection and {@code /userinfo} read it).
 */
class RevocationList implements OAuth2AuthorizationService {

    /** How the queue of entries Redis did not take is bounded and retried. */
    record Retry(int capacity, Duration attemptTimeout, Duration firstBackOff, Duration maxBackOff) {

        /** About 10 MB at most: far more tokens than are revoked within one token lifetime. */
        static final Retry DEFAULT =
                new Retry(100_000, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    private static final Logger log = LoggerFactory.getLogger(RevocationList.class);

    private final OAuth2AuthorizationService store;
    private final StringRedisTemplate redis;
    private final Retry retry;
    private final Counter listed;
    private final Counter failures;
    private final Counter droppedExpired;
    private final Counter droppedOverflow;
    private final Deque<RevokedAccessTokens.Listed> pending = new ArrayDeque<>();
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("revocation-list-retry").daemon().factory());
    private boolean draining;
    private Duration backOff;

    RevocationList(OAuth2AuthorizationService store, StringRedisTemplate redis, MeterRegistry meters) {
        this(store, redis, meters, Retry.DEFAULT);
    }

    RevocationList(OAuth2AuthorizationService store, StringRedisTemplate redis, MeterRegistry meters, Retry retry) {
        this.store = store;
        this.redis = redis;
        this.retry = retry;
        this.backOff = retry.firstBackOff();
        this.listed = Counter.builder("meridian.auth.revocation_list.entries")
                .description("Access tokens put on the revocation list the gateway and the services read")
                .register(meters);
        this.failures = Counter.builder("meridian.auth.revocation_list.failures")
                .description("Attempts to write the revocation list that Redis did not take (each is retried)")
                .register(meters);
        this.droppedExpired = dropped(meters, "expired");
        this.droppedOverflow = dropped(meters, "overflow");
        meters.gauge("meridian.auth.revocation_list.pending", this, RevocationList::pending);
        // Redis's connection is opened lazily; open it now, in the background, so that the first revocation does not
        // pay for connecting (seen taking over a second on a loaded machine). Redis being down here changes nothing.
        attempts.execute(() -> {
            try {
                redis.opsForZSet().size(RevokedAccessTokens.KEY);
            } catch (DataAccessException e) {
                log.debug("Redis not reachable at start: {}", e.toString());
            }
        });
    }

    private static Counter dropped(MeterRegistry meters, String reason) {
        return Counter.builder("meridian.auth.revocation_list.dropped")
                .description("Revocations that waited for Redis and were never written: expired meanwhile, or"
                        + " pushed out of a full queue")
                .tag("reason", reason)
                .register(meters);
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        store.save(authorization);
        OAuth2Authorization.Token<OAuth2AccessToken> access = authorization.getAccessToken();
        if (access != null && access.isInvalidated()) {
            list(access);
        }
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        store.remove(authorization);
        if (authorization.getAccessToken() != null) {
            list(authorization.getAccessToken());
        }
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return store.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        return store.findByToken(token, tokenType);
    }

    synchronized int pending() {
        return pending.size();
    }

    private void list(OAuth2Authorization.Token<OAuth2AccessToken> access) {
        Object jti = access.getClaims() == null ? null : access.getClaims().get("jti");
        Instant expiresAt = access.getToken().getExpiresAt();
        if (jti == null || expiresAt == null) {
            return;
        }
        Instant until = RevokedAccessTokens.listedUntil(expiresAt);
        if (!until.isAfter(Instant.now())) {
            return;
        }
        var entry = new RevokedAccessTokens.Listed(jti.toString(), until);
        synchronized (this) {
            if (!pending.isEmpty()) {
                enqueue(entry); // Redis failed a moment ago: join the queue rather than wait for it here
                return;
            }
        }
        try {
            // Bounded here whatever the Redis client's own timeout; an attempt that completes after it gave up only
            // writes the same entry twice (ZADD of the same score, a second announcement).
            CompletableFuture.runAsync(() -> write(entry), attempts)
                    .get(retry.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS);
            listed.increment();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(entry, e);
        } catch (Exception e) {
            failed(entry, e);
        }
    }

    private void failed(RevokedAccessTokens.Listed entry, Exception e) {
        failures.increment();
        log.warn(
                "Access token {} is revoked here but Redis did not take it on the revocation list ({}): retried"
                        + " until it does or the entry expires at {}",
                entry.jti(),
                e.toString(),
                entry.until());
        synchronized (this) {
            enqueue(entry);
        }
    }

    /** Under the lock. */
    private void enqueue(RevokedAccessTokens.Listed entry) {
        while (pending.size() >= retry.capacity()) {
            RevokedAccessTokens.Listed oldest = pending.pollFirst();
            droppedOverflow.increment();
            log.error(
                    "Revocation-list queue full ({} entries): access token {} will not be listed; it stays valid at"
                            + " the gateway and the services until {}",
                    retry.capacity(),
                    oldest.jti(),
                    oldest.until());
        }
        pending.addLast(entry);
        if (!draining) {
            draining = true;
            retries.schedule(this::drain, backOff.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** On the retry thread: writes waiting entries in order until the queue is empty or Redis fails again. */
    private void drain() {
        int written = 0;
        while (true) {
            RevokedAccessTokens.Listed next;
            synchronized (this) {
                next = pending.peekFirst();
                if (next == null) {
                    draining = false;
                    backOff = retry.firstBackOff();
                    break;
                }
                if (!next.until().isAfter(Instant.now())) {
                    pending.pollFirst();
                    droppedExpired.increment();
                    continue;
                }
            }
            try {
                write(next);
            } catch (RuntimeException e) {
                failures.increment();
                synchronized (this) {
                    Duration doubled = backOff.multipliedBy(2);
                    backOff = doubled.compareTo(retry.maxBackOff()) > 0 ? retry.maxBackOff() : doubled;
                    retries.schedule(this::drain, backOff.toMillis(), TimeUnit.MILLISECONDS);
                }
                log.debug("Redis still does not take the revocation list: {}", e.toString());
                return;
            }
            synchronized (this) {
                if (pending.peekFirst() == next) {
                    pending.pollFirst();
                }
            }
            listed.increment();
            written++;
        }
        if (written > 0) {
            log.info("Redis took the revocation list again: {} waiting entries listed and announced", written);
        }
    }

    private void write(RevokedAccessTokens.Listed entry) {
        redis.opsForZSet()
                .add(RevokedAccessTokens.KEY, entry.jti(), entry.until().toEpochMilli());
        // Entries no validator would accept any more leave as new ones arrive, so the set stays as small as the
        // number of tokens revoked within one token lifetime.
        redis.opsForZSet()
                .removeRangeByScore(
                        RevokedAccessTokens.KEY,
                        Double.NEGATIVE_INFINITY,
                        Instant.now().toEpochMilli());
        // Gateways and services keep the list in memory from these announcements, and re-read the set now and then.
        redis.convertAndSend(RevokedAccessTokens.CHANNEL, entry.text());
    }
}
