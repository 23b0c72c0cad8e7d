package dev.meridian.starters.accesstoken;

import dev.meridian.events.RevokedAccessTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's copy of the revocation list ({@link RevokedAccessTokens}) and the rule that judges a token by it.
 * Plain Java with no servlet or reactive type, so that any resource server (and the gateway) can keep one: whoever
 * talks to Redis feeds it announcements ({@link #heard}), complete reads of the list ({@link #read}) and the state of
 * its subscription.
 *
 * <p>The copy is <em>complete</em> while this instance is subscribed to the list's channel, has read the whole list
 * since that subscription was confirmed, and its last read of Redis succeeded: a token it does not hold is then not
 * revoked. A token it holds is refused whatever the state. Otherwise the caller asks Redis for that one token
 * ({@code ZSCORE}) while Redis answers. When neither the copy nor Redis can tell, the copy still knows every token
 * revoked before its last complete read began, and nothing about later ones: a token issued after that moment is
 * refused, an older one is judged by the copy (fail closed for what the copy cannot know; counted as
 * {@code meridian_revocation_list_unknown_total{decision="refused"|"admitted"}}).
 */
public final class RevocationList {

    private static final Logger log = LoggerFactory.getLogger(RevocationList.class);

    /** What the copy says about one token's {@code jti}. */
    public enum Status {
        /** Listed and not yet past its listed-until time. */
        REVOKED,
        /** Not listed, and the copy is complete. */
        NOT_REVOKED,
        /** Not listed, but the copy may be missing entries: ask Redis, else {@link #admitUnknown}. */
        UNKNOWN
    }

    private final Clock clock;
    private final Map<String, Long> listed = new ConcurrentHashMap<>();
    private final Counter revoked;
    private final Counter unknownRefused;
    private final Counter unknownAdmitted;
    private volatile boolean subscribed;
    private volatile Instant subscribedAt = Instant.MAX;
    private volatile Instant readAt;
    private volatile boolean redisAnswering = true;

    public RevocationList(Clock clock, MeterRegistry meters) {
        this.clock = clock;
        meters.gaugeMapSize("meridian.revocation_list.size", Tags.empty(), listed);
        meters.gauge("meridian.revocation_list.complete", this, copy -> copy.complete() ? 1 : 0);
        this.revoked = Counter.builder("meridian.revocation_list.revoked")
                .description("Access tokens refused because they are on the revocation list")
                .register(meters);
        this.unknownRefused = unknown(meters, "refused");
        this.unknownAdmitted = unknown(meters, "admitted");
    }

    private static Counter unknown(MeterRegistry meters, String decision) {
        return Counter.builder("meridian.revocation_list.unknown")
                .description("Access tokens judged while neither a complete copy of the revocation list nor Redis"
                        + " could tell whether they are revoked: refused when issued after the last complete read")
                .tag("decision", decision)
                .register(meters);
    }

    /** True while a token this copy does not hold is known not to be revoked. */
    public boolean complete() {
        Instant read = readAt;
        return subscribed && redisAnswering && read != null && !read.isBefore(subscribedAt);
    }

    public Status status(String jti) {
        Long until = listed.get(jti);
        if (until != null && until > clock.millis()) {
            revoked.increment();
            return Status.REVOKED;
        }
        return complete() ? Status.NOT_REVOKED : Status.UNKNOWN;
    }

    /** Whether a token the copy cannot judge is worth looking up in Redis: false after Redis last failed. */
    public boolean worthAskingRedis() {
        return redisAnswering;
    }

    /**
     * What Redis answered for one token: the score of its entry ({@code null}: not listed). Answers whether it is
     * revoked now, and keeps a found entry in the copy.
     */
    public boolean lookedUp(String jti, Double listedUntil) {
        redisAnswering = true;
        if (listedUntil == null) {
            return false;
        }
        listed(jti, listedUntil.longValue());
        boolean isRevoked = listedUntil.longValue() > clock.millis();
        if (isRevoked) {
            revoked.increment();
        }
        return isRevoked;
    }

    /**
     * Redis did not answer (a look-up or a read). Unknown tokens follow {@link #admitUnknown} until a read succeeds,
     * and the copy is complete again only once a new subscription has been confirmed and the list read after it: a
     * client that reconnects by itself may have been deaf to announcements meanwhile, without saying so.
     */
    public void redisFailed() {
        redisAnswering = false;
        subscribed = false;
    }

    /**
     * The rule for a token neither the copy nor Redis can judge: admitted only when issued no later than the moment
     * the last complete read of the list began (the copy then holds every revocation it can have been listed by
     * until then), refused otherwise — and refused when no read has ever completed or the token has no {@code iat}.
     */
    public boolean admitUnknown(Instant issuedAt) {
        Instant read = readAt;
        boolean admit = read != null && issuedAt != null && !issuedAt.isAfter(read);
        (admit ? unknownAdmitted : unknownRefused).increment();
        return admit;
    }

    /** An announcement on {@link RevokedAccessTokens#CHANNEL}; one in another shape is ignored. */
    public void heard(String announcement) {
        try {
            var entry = RevokedAccessTokens.Listed.parse(announcement);
            listed(entry.jti(), entry.until().toEpochMilli());
        } catch (IllegalArgumentException unreadable) {
            log.warn("Ignored an announcement on {}: {}", RevokedAccessTokens.CHANNEL, unreadable.getMessage());
        }
    }

    /**
     * The whole list as read from Redis, by a read that began at {@code startedAt}: merged into the copy (an entry
     * announced during the read is kept), entries past their time dropped.
     */
    public void read(Map<String, Long> entries, Instant startedAt) {
        entries.forEach(this::listed);
        long now = clock.millis();
        listed.values().removeIf(until -> until <= now);
        readAt = startedAt;
        redisAnswering = true;
    }

    /** The subscription to the list's channel was confirmed at {@code at}: the copy is complete after the next read. */
    public void subscribed(Instant at) {
        subscribedAt = at;
        subscribed = true;
    }

    public void unsubscribed() {
        subscribed = false;
    }

    /** Whether a subscription is confirmed and Redis has not failed since. */
    public boolean isSubscribed() {
        return subscribed;
    }

    private void listed(String jti, long until) {
        listed.merge(jti, until, Math::max);
    }
}
