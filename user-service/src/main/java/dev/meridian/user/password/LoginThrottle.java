package dev.meridian.user.password;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
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

    private final StringRedisTemplate redis;
    private final ThrottleSettings settings;

    LoginThrottle(StringRedisTemplate redis, ThrottleSettings settings) {
        this.redis = redis;
        this.settings = settings;
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
        Long millis =
                redis.execute(LOCKED, counters.stream().map(Counter::lockKey).toList());
        if (millis != null && millis > 0) {
            fail(counters.stream().filter(c -> c.kind() != Kind.EMAIL).toList());
            throw new Locked(Duration.ofMillis(millis));
        }
    }

    public void failed(String email, String address) {
        fail(counters(email, address));
    }

    /** The right password: this email's counters start again; its address's do not (its other guesses still count). */
    public void succeeded(String email, String address) {
        redis.delete(counters(email, address).stream()
                .filter(c -> c.kind() != Kind.ADDRESS)
                .map(Counter::failuresKey)
                .toList());
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
        }
        redis.delete(keys);
    }

    private void fail(List<Counter> counters) {
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
        redis.execute(FAIL, keys, arguments.toArray());
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
            @NotNull @Valid Rule perEmail) {}
}
