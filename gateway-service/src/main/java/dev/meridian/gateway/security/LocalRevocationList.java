package dev.meridian.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.meridian.events.RevokedAccessTokens;
import dev.meridian.gateway.redis.RedisAvailability;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
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
 * no Redis round trip. auth-service announces every entry on the list's channel and this copy hears it within
 * milliseconds. Announcements are fire-and-forget, so one made while this instance was not listening (start-up, a
 * dropped connection) would never be heard: the copy is also read from the list itself once subscribed, whenever
 * Redis answers again after failing, and every {@code resyncInterval}. The copy is {@link #complete()} while this
 * instance is subscribed and has read the list at least once; until then callers ask Redis per token. What it holds is
 * refused whatever the state, so through a Redis outage tokens revoked before it stay refused.
 */
@Component
class LocalRevocationList implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LocalRevocationList.class);

    private final ReactiveStringRedisTemplate redis;
    private final RedisAvailability availability;
    private final Duration resyncInterval;
    private final Cache<String, Instant> listed = Caffeine.newBuilder()
            .expireAfter(Expiry.writing((String jti, Instant until) -> until(until)))
            .build();
    private final Disposable.Composite running = Disposables.composite();
    private volatile boolean subscribed;
    private volatile boolean read;
    private volatile Instant lastReadAt;

    LocalRevocationList(
            ReactiveStringRedisTemplate redis,
            RedisAvailability availability,
            JwtSettings settings,
            MeterRegistry meters) {
        this.redis = redis;
        this.availability = availability;
        this.resyncInterval = settings.revocationResyncInterval();
        meters.gaugeMapSize("meridian.gateway.revocation_list.size", Tags.empty(), listed.asMap());
        meters.gauge("meridian.gateway.revocation_list.complete", this, copy -> copy.complete() ? 1 : 0);
        availability.whenAnsweringAgain(this::resyncInBackground);
    }

    /**
     * True while subscribed and Redis answers, once the list has been read: a token not listed here then is not
     * revoked. Lettuce keeps a subscription open through a Redis outage (it reconnects underneath), so being
     * subscribed alone does not say the copy is current: Redis failing (a rate-limit or revocation call, the probe)
     * makes it incomplete until Redis answers again.
     */
    boolean complete() {
        return subscribed && read && availability.worthTrying();
    }

    /**
     * When the last complete read of the list started (null: never read): every token revoked before then is in this
     * copy, whatever Redis's state now.
     */
    Instant lastReadAt() {
        return lastReadAt;
    }

    boolean isRevoked(String jti) {
        return listed.getIfPresent(jti) != null;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        running.add(Mono.defer(() -> redis.listenToChannelLater(RevokedAccessTokens.CHANNEL))
                .flatMapMany(announcements -> {
                    subscribed = true;
                    return Flux.merge(
                            announcements
                                    .doOnNext(message -> heard(message.getMessage()))
                                    .then(),
                            resync());
                })
                .doFinally(ended -> subscribed = false)
                .repeatWhen(ended -> ended.delayElements(availability.retryInterval()))
                .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, availability.retryInterval())
                        .doBeforeRetry(failure ->
                                log.debug("Not subscribed to revocation announcements: {}", failure.failure())))
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
                    read = true;
                    Instant before = lastReadAt;
                    lastReadAt = before == null || started.isAfter(before) ? started : before;
                })
                .onErrorResume(failure -> {
                    log.debug("Could not read the revocation list: {}", failure.toString());
                    return Mono.empty();
                });
    }

    private static Instant later(Instant one, Instant other) {
        return one.isAfter(other) ? one : other;
    }

    private static Duration until(Instant until) {
        Duration left = Duration.between(Instant.now(), until);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
