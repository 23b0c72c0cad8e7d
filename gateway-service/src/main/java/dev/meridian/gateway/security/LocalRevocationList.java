package dev.meridian.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.gateway.redis.RedisAvailability;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The gateway's copy of the revocation list ({@link RevokedAccessTokens}), in memory, so that checking a token costs
 * no Redis round trip. auth-service lists each entry in the sorted set, then announces it on the list's channel; this
 * copy hears it within milliseconds. Announcements are fire-and-forget, so one made while this instance was not
 * listening (start-up, a dropped connection) is never heard: the copy is also read from the set itself once
 * subscribed, when Redis answers again after failing, and every {@code resyncInterval}.
 *
 * <p>The copy is {@link #complete()} — a token not in it is not revoked — only while nothing can have been missed,
 * which this instance proves rather than infers from how fast Redis answers: every {@code heartbeatInterval} it
 * publishes a message of its own on a channel it listens to on the same connection as the announcements. Redis
 * delivers a connection's messages in the order it ran the {@code PUBLISH}es, so hearing its heartbeat sent at
 * {@code t} means every announcement made before {@code t} has been heard — unless the connection dropped in between,
 * which Lettuce reports ({@link ConnectionDeactivatedEvent}). A dropped connection, or heartbeats that stop coming
 * back, opens a gap; it closes with a read of the whole set started after a heartbeat came back across it. A Redis
 * call that merely times out under load (a rate limit's 50 ms) leaves the copy complete: nothing was lost.
 *
 * <p>{@link #currentUntil()} says how far the copy can be trusted when it is not complete. What it holds is refused
 * whatever its state, so through a Redis outage tokens revoked before it stay refused.
 */
@Component
class LocalRevocationList implements DisposableBean {

    /** Heartbeats that may go unanswered before the subscription counts as lost. */
    private static final int HEARTBEATS_MISSED_BEFORE_GAP = 3;

    private static final Logger log = LoggerFactory.getLogger(LocalRevocationList.class);

    private final ReactiveStringRedisTemplate redis;
    private final ClientResources lettuce;
    private final RedisAvailability availability;
    private final Duration resyncInterval;
    private final Duration heartbeatInterval;
    private final String heartbeatChannel = RevokedAccessTokens.CHANNEL + ":heartbeat:" + UUID.randomUUID();
    private final Cache<String, Instant> listed = Caffeine.newBuilder()
            .expireAfter(Expiry.writing((String jti, Instant until) -> until(until)))
            .build();
    private final Disposable.Composite running = Disposables.composite();

    /** Since when announcements may have been missed (null: none can have been); written under {@code this}. */
    private volatile Instant gapSince = Instant.now();
    /** When the latest gap opened: only a heartbeat sent after it proves the subscription live again. */
    private Instant gapOpenedAt = gapSince;
    /** The send time of the first heartbeat heard back after {@link #gapOpenedAt} (null: none yet). */
    private Instant liveAgainSince;
    /** When a heartbeat last came back. */
    private volatile Instant heartbeatHeardAt;
    /** Every revocation listed before this instant is in the copy (null: nothing is known yet). */
    private volatile Instant currentUntil;

    LocalRevocationList(
            ReactiveStringRedisTemplate redis,
            ClientResources lettuce,
            RedisAvailability availability,
            JwtSettings settings,
            MeterRegistry meters) {
        this.redis = redis;
        this.lettuce = lettuce;
        this.availability = availability;
        this.resyncInterval = settings.revocationResyncInterval();
        this.heartbeatInterval = settings.revocationHeartbeatInterval();
        meters.gaugeMapSize("meridian.gateway.revocation_list.size", Tags.empty(), listed.asMap());
        meters.gauge("meridian.gateway.revocation_list.complete", this, copy -> copy.complete() ? 1 : 0);
        availability.whenAnsweringAgain(this::resyncInBackground);
    }

    /** True while this instance can prove it has heard every announcement: a token not listed here is not revoked. */
    boolean complete() {
        Instant heard = heartbeatHeardAt;
        return gapSince == null
                && heard != null
                && !heard.isBefore(Instant.now().minus(heartbeatsMissed()));
    }

    /**
     * Every token revoked before this instant is in this copy, whatever Redis's state now (null: never read): the
     * start of the latest full read, or while nothing was missed, the send time of the latest heartbeat heard.
     */
    Instant currentUntil() {
        return currentUntil;
    }

    boolean isRevoked(String jti) {
        return listed.getIfPresent(jti) != null;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        running.add(lettuce.eventBus()
                .get()
                .ofType(ConnectionDeactivatedEvent.class)
                .subscribe(dropped -> gapOpened("a connection to Redis dropped")));
        running.add(Mono.defer(() -> redis.listenToChannelLater(RevokedAccessTokens.CHANNEL, heartbeatChannel))
                .flatMapMany(messages -> Flux.merge(
                        messages.doOnNext(message -> {
                                    if (heartbeatChannel.equals(message.getChannel())) {
                                        heartbeatHeard(message.getMessage());
                                    } else {
                                        heard(message.getMessage());
                                    }
                                })
                                .then(),
                        resync()))
                .doFinally(ended -> gapOpened("the subscription ended"))
                .repeatWhen(ended -> ended.delayElements(heartbeatInterval))
                .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, heartbeatInterval)
                        .doBeforeRetry(failure ->
                                log.debug("Not subscribed to revocation announcements: {}", failure.failure())))
                .subscribe());
        running.add(Flux.interval(Duration.ZERO, heartbeatInterval)
                .onBackpressureDrop()
                .concatMap(tick -> heartbeat())
                .subscribe());
        running.add(Flux.interval(resyncInterval, resyncInterval)
                .onBackpressureDrop()
                .concatMap(tick -> resync())
                .subscribe());
    }

    @Override
    public void destroy() {
        running.dispose();
    }

    /** Sends the next heartbeat, after opening a gap if the last ones did not come back. */
    private Mono<Void> heartbeat() {
        Instant now = Instant.now();
        Instant heard = heartbeatHeardAt;
        if (heard != null && heard.isBefore(now.minus(heartbeatsMissed()))) {
            gapOpened("heartbeats stopped coming back");
        }
        return redis.convertAndSend(heartbeatChannel, Long.toString(now.toEpochMilli()))
                .timeout(heartbeatInterval)
                .onErrorResume(failure -> {
                    log.debug("Heartbeat not sent: {}", failure.toString());
                    return Mono.empty();
                })
                .then();
    }

    private synchronized void gapOpened(String why) {
        Instant now = Instant.now();
        if (gapSince == null) {
            gapSince = now;
            log.info(
                    "Revocation announcements may be missed from now ({}): tokens are checked in Redis until the"
                            + " list is read again",
                    why);
        }
        gapOpenedAt = now;
        liveAgainSince = null;
    }

    private void heartbeatHeard(String message) {
        Instant sentAt;
        try {
            sentAt = Instant.ofEpochMilli(Long.parseLong(message));
        } catch (NumberFormatException unreadable) {
            log.warn("Ignored a message on {}: {}", heartbeatChannel, message);
            return;
        }
        heartbeatHeardAt = Instant.now();
        if (liveAgain(sentAt)) {
            resyncInBackground();
        }
    }

    /** True when this heartbeat is the first to prove the subscription live across an open gap. */
    private synchronized boolean liveAgain(Instant sentAt) {
        if (gapSince == null) {
            currentUntil = later(currentUntil, sentAt);
            return false;
        }
        if (liveAgainSince == null && sentAt.isAfter(gapOpenedAt)) {
            liveAgainSince = sentAt;
            return true;
        }
        return false;
    }

    /** A full read started at {@code started} succeeded; it closes a gap the subscription was proved live across. */
    private synchronized void read(Instant started) {
        currentUntil = later(currentUntil, started);
        if (gapSince != null && liveAgainSince != null && !started.isBefore(liveAgainSince)) {
            log.info("Revocation list read again: every announcement is heard, the gap since {} is closed", gapSince);
            gapSince = null;
        }
    }

    private Duration heartbeatsMissed() {
        return heartbeatInterval.multipliedBy(HEARTBEATS_MISSED_BEFORE_GAP);
    }

    private void heard(String announcement) {
        try {
            var entry = RevokedAccessTokens.Listed.parse(announcement);
            listed.asMap().merge(entry.jti(), entry.until(), LocalRevocationList::later);
        } catch (IllegalArgumentException unreadable) {
            log.warn("Ignored an announcement on {}: {}", RevokedAccessTokens.CHANNEL, unreadable.getMessage());
        }
    }

    private void resyncInBackground() {
        resync().subscribe();
    }

    /** Reads the whole list — one command, however many other keys Redis holds — and merges it into the copy. */
    private Mono<Void> resync() {
        return Mono.defer(this::readList);
    }

    private Mono<Void> readList() {
        Instant started = Instant.now();
        Range<Double> stillListed = Range.rightUnbounded(Range.Bound.exclusive((double) started.toEpochMilli()));
        return redis.opsForZSet()
                .rangeByScoreWithScores(RevokedAccessTokens.KEY, stillListed)
                .doOnNext(entry -> listed.asMap()
                        .merge(
                                entry.getValue(),
                                Instant.ofEpochMilli(entry.getScore().longValue()),
                                LocalRevocationList::later))
                .then()
                .doOnSuccess(done -> {
                    availability.answered();
                    read(started);
                })
                .onErrorResume(failure -> {
                    log.debug("Could not read the revocation list: {}", failure.toString());
                    return Mono.empty();
                });
    }

    private static Instant later(Instant one, Instant other) {
        return one == null || other.isAfter(one) ? other : one;
    }

    private static Duration until(Instant until) {
        Duration left = Duration.between(Instant.now(), until);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
