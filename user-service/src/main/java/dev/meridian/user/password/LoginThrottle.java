package dev.meridian.user.password;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

/**
 * Slows down password guessing without handing an attacker a way to lock the owner out (NIST SP 800-63B §5.2.2).
 * Failures are counted per email <em>and</em> address (the signing-in client's, from auth-service), per address
 * alone, and per email alone with a much higher bound; each counter that reaches its rule's free failures locks its
 * key for a back-off that doubles with each further failure up to the rule's maximum. An attempt is refused while
 * any of its keys is locked; a refused attempt still counts against its email-and-address and its address, so
 * hammering through a lock lengthens the attacker's own lock and nobody else's. Without an address (an older
 * caller, or a password confirmation inside the API) the email-and-address key is the email with "no address", and
 * no address key counts. Counters live in Redis (every instance sees them) under SHA-256 digests — emails and
 * addresses are personal data — and are kept for any email asked about, so a lock says nothing about existence.
 *
 * <p>While Redis cannot be reached the counters are kept in this instance's memory instead
 * ({@link LocalLoginThrottle}), by the same rules: a sign-in is still checked, and guessing still locks out, but each
 * instance counts alone, so across N instances an attacker gets at most N times the attempts for as long as the
 * outage lasts (docs/security.md, "Login throttle without Redis"). After a failed Redis call requests leave Redis
 * alone (they would each wait its command timeout) until a probe, once a second, finds it answering again; locks
 * made in memory are honoured until they run out, Redis or not. Decisions made without Redis are counted as
 * {@code meridian_login_throttle_local_total}.
 */
@Component
public class LoginThrottle {

    private static final String PREFIX = "meridian:user-service:login:";
    private static final String NO_ADDRESS = "-";

    /** KEYS: failures and lock key of each rule; ARGV: per rule window, free failures, first and maximum lock (ms). */
    private static final RedisScript<Long> FAIL = RedisScript.of("""
            for i = 1, #KEYS / 2 do
              local window, free = tonumber(ARGV[4 * i - 3]), tonumber(ARGV[4 * i - 2])
              local first, max = tonumber(ARGV[4 * i - 1]), tonumber(ARGV[4 * i])
              local count = redis.call('INCR', KEYS[2 * i - 1])
              redis.call('PEXPIRE', KEYS[2 * i - 1], window)
              if count >= free then
                local lock = math.min(first * 2 ^ math.min(count - free, 30), max)
                redis.call('SET', KEYS[2 * i], '1', 'PX', math.floor(lock))
              end
            end
            return 0
            """, Long.class);

    /** KEYS: lock keys; answers the longest remaining lock in ms, 0 when none. */
    private static final RedisScript<Long> LOCKED = RedisScript.of("""
            local longest = 0
            for i = 1, #KEYS do
              longest = math.max(longest, redis.call('PTTL', KEYS[i]))
            end
            return longest
            """, Long.class);

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    private static final long LOCAL_KEYS = 100_000;

    private final StringRedisTemplate redis;
    private final ThrottleSettings settings;
    private final LocalLoginThrottle local;
    private final io.micrometer.core.instrument.Counter localDecisions;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile boolean redisDown;

    LoginThrottle(StringRedisTemplate redis, ThrottleSettings settings, MeterRegistry meters, Clock clock) {
        this.redis = redis;
        this.settings = settings;
        this.local = new LocalLoginThrottle(clock, LOCAL_KEYS, settings.longestKept());
        this.localDecisions = io.micrometer.core.instrument.Counter.builder("meridian.login_throttle.local")
                .description("Login throttle operations made in this instance's memory because Redis could not be"
                        + " reached")
                .register(meters);
    }

    /** Whether the throttle is counting in this instance's memory because Redis cannot be reached. */
    boolean countingLocally() {
        return redisDown;
    }

    /** A sign-in attempt was made while locked out. */
    public static final class Locked extends RuntimeException {
        private final Duration retryAfter;

        Locked(Duration retryAfter) {
            super("Too many failed sign-ins; try again later");
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /**
     * Lets the attempt check its password, or throws {@link Locked} (and counts the attempt against its address)
     * while any of its keys is locked. {@code email} is in its stored form; {@code address} may be null.
     */
    public void admit(String email, String address) {
        List<Counter> counters = counters(email, address);
        long millis = Math.max(
                local.lockedFor(counters.stream().map(Counter::failuresKey).toList()), lockedInRedis(counters));
        if (millis > 0) {
            fail(counters.stream().filter(c -> c.kind() != Kind.EMAIL).toList());
            throw new Locked(Duration.ofMillis(millis));
        }
    }

    public void failed(String email, String address) {
        fail(counters(email, address));
    }

    /** The right password: this email's counters start again; its address's do not (its other guesses still count). */
    public void succeeded(String email, String address) {
        List<String> keys = counters(email, address).stream()
                .filter(c -> c.kind() != Kind.ADDRESS)
                .map(Counter::failuresKey)
                .toList();
        keys.forEach(local::clearFailures);
        inRedis(() -> redis.delete(keys));
    }

    /**
     * After a password reset: the email's own counters and locks start again (per email, and per email with no
     * address), so the owner can sign in with the new password at once. Locks of the email from particular client
     * addresses are keyed by those addresses and run out by themselves (minutes at most).
     */
    public void forget(String email) {
        List<String> keys = new ArrayList<>();
        for (Counter counter : counters(email, null)) {
            keys.add(counter.failuresKey());
            keys.add(counter.lockKey());
            local.forget(counter.failuresKey());
        }
        inRedis(() -> redis.delete(keys));
    }

    private long lockedInRedis(List<Counter> counters) {
        Long millis = inRedis(() ->
                redis.execute(LOCKED, counters.stream().map(Counter::lockKey).toList()));
        return millis == null ? 0 : millis;
    }

    private void fail(List<Counter> counters) {
        if (inRedis(() -> failInRedis(counters)) == null) {
            counters.forEach(counter -> local.failed(counter.failuresKey(), counter.rule()));
        }
    }

    /** {@code call}'s answer, or null (counted, and Redis left alone until the probe finds it) when Redis failed. */
    private <T> T inRedis(Supplier<T> call) {
        if (redisDown) {
            localDecisions.increment();
            return null;
        }
        try {
            return call.get();
        } catch (DataAccessException unreachable) {
            redisFailed(unreachable);
            localDecisions.increment();
            return null;
        }
    }

    private void redisFailed(DataAccessException failure) {
        if (!redisDown) {
            log.warn(
                    "Redis cannot be reached ({}): the login throttle counts in this instance's memory until it"
                            + " answers again",
                    failure.getClass().getSimpleName());
        }
        redisDown = true;
        if (probing.compareAndSet(false, true)) {
            Thread.ofVirtual().name("login-throttle-redis-probe").start(this::probe);
        }
    }

    private void probe() {
        try {
            while (redisDown) {
                Thread.sleep(PROBE_INTERVAL);
                try {
                    redis.execute((RedisCallback<String>) connection -> connection.ping());
                    redisDown = false;
                    log.info("Redis answers again: the login throttle counts there again");
                } catch (DataAccessException stillUnreachable) {
                    log.debug("Login throttle: Redis still unreachable: {}", stillUnreachable.toString());
                } catch (IllegalStateException shuttingDown) {
                    log.debug("Login throttle: no more Redis connections to probe with: {}", shuttingDown.toString());
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            probing.set(false);
        }
    }

    private Long failInRedis(List<Counter> counters) {
        List<String> keys = new ArrayList<>();
        List<String> arguments = new ArrayList<>();
        for (Counter counter : counters) {
            keys.add(counter.failuresKey());
            keys.add(counter.lockKey());
            Rule rule = counter.rule();
            arguments.add(String.valueOf(rule.window().toMillis()));
            arguments.add(String.valueOf(rule.freeFailures()));
            arguments.add(String.valueOf(rule.firstLock().toMillis()));
            arguments.add(String.valueOf(rule.maxLock().toMillis()));
        }
        Long done = redis.execute(FAIL, keys, arguments.toArray());
        return done == null ? 0L : done;
    }

    private List<Counter> counters(String email, String address) {
        boolean known = address != null && !address.isBlank();
        List<Counter> counters = new ArrayList<>(3);
        counters.add(new Counter(
                Kind.EMAIL_AND_ADDRESS,
                digest(email + "\n" + (known ? address.strip() : NO_ADDRESS)),
                settings.perEmailAndAddress()));
        if (known) {
            counters.add(new Counter(Kind.ADDRESS, digest(address.strip()), settings.perAddress()));
        }
        counters.add(new Counter(Kind.EMAIL, digest(email), settings.perEmail()));
        return counters;
    }

    private enum Kind {
        EMAIL_AND_ADDRESS,
        ADDRESS,
        EMAIL
    }

    private record Counter(Kind kind, String digest, Rule rule) {
        String failuresKey() {
            return PREFIX + kind.name().toLowerCase(Locale.ROOT) + ":" + digest + ":failures";
        }

        String lockKey() {
            return PREFIX + kind.name().toLowerCase(Locale.ROOT) + ":" + digest + ":lock";
        }
    }

    private static String digest(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** After {@code freeFailures} within {@code window} of each other, locked from {@code firstLock}, doubling. */
    record Rule(
            @Min(1) int freeFailures,
            @NotNull Duration window,
            @NotNull Duration firstLock,
            @NotNull Duration maxLock) {}

    @ConfigurationProperties("meridian.login-throttle")
    @Validated
    record ThrottleSettings(
            @NotNull @Valid Rule perEmailAndAddress,
            @NotNull @Valid Rule perAddress,
            @NotNull @Valid Rule perEmail) {

        /** How long a counter or lock can matter: the longest window or lock of any rule. */
        Duration longestKept() {
            Duration longest = Duration.ZERO;
            for (Rule rule : List.of(perEmailAndAddress, perAddress, perEmail)) {
                for (Duration d : List.of(rule.window(), rule.maxLock())) {
                    longest = d.compareTo(longest) > 0 ? d : longest;
                }
            }
            return longest;
        }
    }
}
