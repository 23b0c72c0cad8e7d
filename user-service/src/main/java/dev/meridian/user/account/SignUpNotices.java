package dev.meridian.user.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Whether the "someone tried to sign up with your address" notice may go to an address now: once per
 * {@code meridian.sign-up.existing-email-notice-interval}, whatever the number of sign-ups, so nobody can flood a
 * registered owner's mailbox by signing up with their address. A Redis key per address (a SHA-256 digest: emails
 * are personal data), shared by every instance.
 *
 * <p>Without Redis a sign-up still gets its answer: the notice is then not sent (rather than sent unthrottled, which
 * would let anyone flood an owner's mailbox while Redis is down), and a new address skips its look-up. The fault run
 * saw every sign-up answered 500 while Redis was down, new addresses included.
 */
@Component
class SignUpNotices {

    private static final Logger log = LoggerFactory.getLogger(SignUpNotices.class);

    private static final String PREFIX = "meridian:user-service:sign-up-notice:";

    private final StringRedisTemplate redis;
    private final SignUpSettings settings;

    SignUpNotices(StringRedisTemplate redis, SignUpSettings settings) {
        this.redis = redis;
        this.settings = settings;
    }

    boolean due(EmailAddress email) {
        try {
            return Boolean.TRUE.equals(redis.opsForValue()
                    .setIfAbsent(PREFIX + digest(email.value()), "1", settings.existingEmailNoticeInterval()));
        } catch (DataAccessException redisUnreachable) {
            log.warn("Redis cannot be reached; a sign-up notice to a registered address is not sent");
            return false;
        }
    }

    /** Reads the address's key without taking it: what a new address costs, so both paths cost one round trip. */
    boolean pending(EmailAddress email) {
        try {
            return Boolean.TRUE.equals(redis.hasKey(PREFIX + digest(email.value())));
        } catch (DataAccessException redisUnreachable) {
            return false;
        }
    }

    private static String digest(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
