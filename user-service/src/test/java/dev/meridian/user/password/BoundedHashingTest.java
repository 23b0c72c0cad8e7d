package dev.meridian.user.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;

class BoundedHashingTest {

    @Test
    void noMoreHashesRunAtOnceThanItsSlotsAndEveryWaitingOneRunsLater() throws Exception {
        var running = new AtomicInteger();
        var mostAtOnce = new AtomicInteger();
        var release = new CountDownLatch(1);
        PasswordEncoder slow = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
                return "hash of " + raw;
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                return encode(raw).equals(encoded);
            }
        };
        var bounded = new BoundedHashing(slow, 2);

        try (var pool = Executors.newFixedThreadPool(8)) {
            List<Future<String>> hashes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String password = "password " + i;
                hashes.add(pool.submit(() -> bounded.encode(password)));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> running.get() == 2);
            Thread.sleep(100); // a third, were it admitted, would have started by now
            assertThat(running.get()).as("two hashing, six waiting").isEqualTo(2);
            release.countDown();
            for (int i = 0; i < 8; i++) {
                assertThat(hashes.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("hash of password " + i);
            }
        }
        assertThat(mostAtOnce.get()).isEqualTo(2);
        assertThat(bounded.matches("password 1", "hash of password 1")).isTrue();
    }
}
