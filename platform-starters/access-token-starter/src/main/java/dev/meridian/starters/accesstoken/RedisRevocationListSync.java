package dev.meridian.starters.accesstoken;

import dev.meridian.events.RevokedAccessTokens;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;

/**
 * Keeps a {@link RevocationList} current from Redis with Spring Data Redis's blocking API (no servlet or reactive
 * type): subscribes to the list's channel on a connection of its own, and subscribes afresh whenever that
 * subscription is gone or Redis failed since it was confirmed (rather than trust a client's own reconnection, which
 * hides how long it was deaf); reads the whole list (one {@code ZRANGEBYSCORE}) after every confirmed (re)subscription, every
 * {@code resyncInterval}, and every {@code retryInterval} while the copy is incomplete; and looks single tokens up
 * ({@code ZSCORE}) for callers while it is. Every Redis call runs on a virtual thread and is waited for only its
 * timeout, so a Redis that hangs holds up neither requests nor this sync; after one fails, look-ups stop until a
 * read succeeds again.
 *
 * <p>Not Spring Data Redis's {@code RedisMessageListenerContainer}: its start fails the application context when
 * Redis is down at that moment, and a resource server must start (and refuse what it cannot judge) without it.
 */
public final class RedisRevocationListSync implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RedisRevocationListSync.class);
    private static final byte[] CHANNEL = RevokedAccessTokens.CHANNEL.getBytes(StandardCharsets.UTF_8);

    private final RedisConnectionFactory connections;
    private final StringRedisTemplate redis;
    private final RevocationList copy;
    private final RevocationListProperties settings;
    private final Clock clock;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private volatile @Nullable ScheduledExecutorService sync;
    private volatile boolean running;
    private volatile @Nullable RedisConnection subscriber;
    private volatile @Nullable Future<?> subscribing;
    private volatile @Nullable Subscription current;
    private volatile @Nullable Future<?> reading;
    private Instant lastRead = Instant.MIN;

    public RedisRevocationListSync(
            RedisConnectionFactory connections, RevocationList copy, RevocationListProperties settings, Clock clock) {
        this.connections = connections;
        this.redis = new StringRedisTemplate(connections);
        this.copy = copy;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * The token's entry as Redis has it now ({@code true}: revoked), or empty when Redis did not answer within
     * {@code lookupTimeout} (then the copy's rule decides). Called on a request's thread.
     */
    public Optional<Boolean> lookUp(String jti) {
        try {
            Double listedUntil =
                    bounded(() -> redis.opsForZSet().score(RevokedAccessTokens.KEY, jti), settings.lookupTimeout());
            return Optional.of(copy.lookedUp(jti, listedUntil));
        } catch (Exception e) {
            copy.redisFailed();
            log.debug("Revocation list look-up failed: {}", e.toString());
            return Optional.empty();
        }
    }

    /** Also after {@link #stop()}: a stopped context (the test framework pauses cached ones) may be started again. */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        sync = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("revocation-list-sync").daemon().factory());
        running = true;
        long tick = settings.retryInterval().toMillis();
        sync.scheduleWithFixedDelay(this::tick, 0, tick, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        sync.shutdownNow();
        closeSubscriber();
        copy.unsubscribed();
        reading = null;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * The listener of one subscription. Callbacks of an earlier one (its unsubscription arriving after the next was
     * confirmed) are ignored, all but its announcements.
     */
    private final class Subscription implements MessageListener, SubscriptionListener {

        @Override
        public void onMessage(Message message, byte @Nullable [] pattern) {
            copy.heard(new String(message.getBody(), StandardCharsets.UTF_8));
        }

        /** Also on a re-subscription after the client reconnected by itself: announcements may have been missed. */
        @Override
        public void onChannelSubscribed(byte[] channel, long count) {
            if (current == this) {
                copy.subscribed(clock.instant());
                ScheduledExecutorService thread = sync;
                if (running && thread != null) {
                    try {
                        thread.execute(RedisRevocationListSync.this::read);
                    } catch (RejectedExecutionException stopping) {
                        log.trace("Stopped while subscribing");
                    }
                }
            }
        }

        @Override
        public void onChannelUnsubscribed(byte[] channel, long count) {
            if (current == this) {
                copy.unsubscribed();
            }
        }
    }

    /** On the sync thread: subscribe when not subscribed, and read the list when it is due. */
    private void tick() {
        try {
            if (!copy.isSubscribed() || !clientSubscribed()) {
                subscribe();
            }
            Duration sinceRead = Duration.between(lastRead, clock.instant());
            if (!copy.complete() || sinceRead.compareTo(settings.resyncInterval()) >= 0) {
                read();
            }
        } catch (RuntimeException e) {
            log.debug("Revocation list sync: {}", e.toString());
        }
    }

    private boolean clientSubscribed() {
        RedisConnection connection = subscriber;
        Future<?> attempt = subscribing;
        // A blocking client (Jedis) is inside subscribe() for as long as it is subscribed; Lettuce returns at once.
        return connection != null && attempt != null && (!attempt.isDone() || connection.isSubscribed());
    }

    private void subscribe() {
        closeSubscriber();
        try {
            RedisConnection connection = connections.getConnection();
            var listener = new Subscription();
            current = listener;
            subscriber = connection;
            subscribing = calls.submit(() -> {
                try {
                    connection.subscribe(listener, CHANNEL);
                } catch (RuntimeException e) {
                    log.debug("Not subscribed to {}: {}", RevokedAccessTokens.CHANNEL, e.toString());
                }
            });
        } catch (RuntimeException e) {
            copy.redisFailed();
            log.debug("No Redis connection to subscribe with: {}", e.toString());
        }
    }

    private void closeSubscriber() {
        RedisConnection connection = subscriber;
        current = null;
        subscriber = null;
        subscribing = null;
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException alreadyGone) {
                log.trace("Closing the subscription: {}", alreadyGone.toString());
            }
        }
    }

    /** Reads the whole list — one command, however many other keys Redis holds — into the copy. */
    private void read() {
        if (reading != null && !reading.isDone()) {
            return; // the last read is still waiting for a Redis that hangs
        }
        Instant startedAt = clock.instant();
        double now = startedAt.toEpochMilli();
        try {
            Future<Set<TypedTuple<String>>> attempt = calls.submit(
                    () -> redis.opsForZSet().rangeByScoreWithScores(RevokedAccessTokens.KEY, now, Double.MAX_VALUE));
            reading = attempt;
            Set<TypedTuple<String>> entries = attempt.get(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Long> list = new HashMap<>();
            if (entries != null) {
                entries.forEach(
                        entry -> list.put(entry.getValue(), entry.getScore().longValue()));
            }
            copy.read(list, startedAt);
            lastRead = startedAt;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            copy.redisFailed();
            log.debug("Could not read the revocation list: {}", e.toString());
        }
    }

    private <T> T bounded(Callable<T> call, Duration timeout) throws Exception {
        Future<T> result = calls.submit(call);
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            result.cancel(true);
            throw e;
        }
    }
}
