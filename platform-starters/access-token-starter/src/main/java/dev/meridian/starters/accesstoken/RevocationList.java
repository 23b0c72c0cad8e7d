package dev.meridian.starters.accesstoken;

import dev.meridian.events.RevokedAccessTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
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
 * revoked until it was last known complete ({@link #currentUntil}): for {@code maxStaleness} after that moment it goes
 * on judging every token alone (bounded staleness — a token revoked meanwhile may be served that long longer), and
 * after it, and when it was never complete, a token it does not hold is refused (fail closed). Both counted as
 * {@code meridian_revocation_list_unknown_total{decision="admitted"|"refused"}}; the copy's age is the gauge
 * {@code meridian_revocation_list_staleness_seconds} (0 while complete).
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

    /** How long a copy that can no longer be kept current still judges tokens alone. */
    public static final Duration DEFAULT_MAX_STALENESS = Duration.ofSeconds(60);

    private final Clock clock;
    private final Duration maxStaleness;
    private final Map<String, Long> listed = new ConcurrentHashMap<>();
    private final Counter revoked;
    private final Counter unknownRefused;
    private final Counter unknownAdmitted;
    private volatile boolean subscribed;
    private volatile Instant subscribedAt = Instant.MAX;
    private volatile Instant readAt;
    private volatile boolean redisAnswering = true;
    /** When the copy last stopped being complete (null: never was). */
    private volatile @Nullable Instant lostAt;

    public RevocationList(Clock clock, MeterRegistry meters) {
        this(clock, meters, DEFAULT_MAX_STALENESS);
    }

    public RevocationList(Clock clock, MeterRegistry meters, Duration maxStaleness) {
        this.clock = clock;
        this.maxStaleness = maxStaleness;
        meters.gauge("meridian.revocation_list.staleness_seconds", this, RevocationList::stalenessSeconds);
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
                        + " could tell whether they are revoked: admitted by a copy at most max-staleness old,"
                        + " refused otherwise")
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
        noteLost();
        redisAnswering = false;
        subscribed = false;
    }

    /**
     * Until when the copy is known to hold every revocation: now while complete, else the later of when it last
     * stopped being complete and when its last complete read began (null: never read).
     */
    public @Nullable Instant currentUntil() {
        if (complete()) {
            return clock.instant();
        }
        Instant read = readAt;
        Instant lost = lostAt;
        if (lost == null || (read != null && read.isAfter(lost))) {
            return read;
        }
        return lost;
    }

    /**
     * The rule for a token neither the copy nor Redis can judge: admitted (unless listed, which {@link #status}
     * already refused) while the copy is at most {@code maxStaleness} behind, refused once it is older — and refused
     * when no read has ever completed.
     */
    public boolean admitUnknown() {
        Instant current = currentUntil();
        boolean admit = current != null && !clock.instant().isAfter(current.plus(maxStaleness));
        (admit ? unknownAdmitted : unknownRefused).increment();
        return admit;
    }

    private double stalenessSeconds() {
        Instant current = currentUntil();
        if (current == null) {
            return Double.NaN;
        }
        return Math.max(0, Duration.between(current, clock.instant()).toMillis() / 1000.0);
    }

    private void noteLost() {
        if (complete()) {
            lostAt = clock.instant();
        }
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
        noteLost();
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
