package dev.meridian.user.password;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * At most a few hashes at a time (by default one per processor), the others waiting their turn in arrival order.
 * Argon2 is memory-hard: a hash started beyond the cores does not finish sooner, it only adds its memory (19 MiB) to
 * the live heap, which every young collection then copies, and evicts the running hashes' blocks from the caches.
 * So eight sign-ups at once on two cores finish sooner, on average, two by two.
 */
final class BoundedHashing implements PasswordEncoder {

    private final PasswordEncoder delegate;
    private final Semaphore slots;

    BoundedHashing(PasswordEncoder delegate, int concurrentHashes) {
        this.delegate = delegate;
        this.slots = new Semaphore(concurrentHashes, true);
    }

    @Override
    public String encode(CharSequence rawPassword) {
        return bounded(() -> delegate.encode(rawPassword));
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        return bounded(() -> delegate.matches(rawPassword, encodedPassword));
    }

    @Override
    public boolean upgradeEncoding(String encodedPassword) {
        return delegate.upgradeEncoding(encodedPassword);
    }

    private <T> T bounded(Supplier<T> hash) {
        slots.acquireUninterruptibly();
        try {
            return hash.get();
        } finally {
            slots.release();
        }
    }
}
