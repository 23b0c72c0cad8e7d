package dev.meridian.devstack;

import dev.meridian.testkit.ServiceProcess;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * Tells the person at the console, the moment it happens, that a process devstack started has died: which one, its
 * exit code, and where its log is; with {@code --restart}, starts it again. Quiet once devstack itself is stopping
 * them, and for an exit on SIGINT (code 130): Ctrl-C reaches every process of the terminal's group, the children
 * often before devstack's own shutdown hook.
 */
final class ExitReporter {

    /** 128 + SIGINT. */
    static final int INTERRUPTED = 130;

    /** A service that keeps dying is left dead after this many starts, not started in a loop. */
    static final int MAX_RESTARTS = 5;

    private final PrintStream console;
    private final Duration pause;
    private volatile boolean stopping;

    /** {@code pause}: how long after a death the next start waits (the port and file handles are let go). */
    ExitReporter(PrintStream console, Duration pause) {
        this.console = console;
        this.pause = pause;
    }

    /**
     * Reports {@code process}'s death; when {@code again} is given, calls it to start the service anew (it returns once
     * the new process is ready, or throws if it could not start) and watches the new process the same way.
     */
    void watch(String name, ServiceProcess process, @Nullable Callable<ServiceProcess> again) {
        watch(name, process, again, 0);
    }

    private void watch(String name, ServiceProcess process, @Nullable Callable<ServiceProcess> again, int restarts) {
        process.onExit().thenAccept(code -> {
            if (stopping || code == INTERRUPTED) {
                return;
            }
            if (again == null || restarts == MAX_RESTARTS) {
                console.printf(
                        "devstack: WARNING %s stopped (exit code %d); the platform runs without it%s. Its log: %s%n",
                        name,
                        code,
                        again == null ? "" : " (started " + MAX_RESTARTS + " times already)",
                        process.log());
                return;
            }
            console.printf(
                    "devstack: WARNING %s stopped (exit code %d); starting it again. Its log: %s%n",
                    name, code, process.log());
            Thread.ofPlatform().name("devstack-restart-" + name).start(() -> restart(name, again, restarts + 1));
        });
    }

    private void restart(String name, Callable<ServiceProcess> again, int restarts) {
        try {
            Thread.sleep(pause);
            if (!stopping) {
                watch(name, again.call(), again, restarts);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception failed) {
            if (!stopping) {
                console.printf("devstack: WARNING %s could not start again: %s%n", name, failed.getMessage());
            }
        }
    }

    /** From now on processes end because devstack ends them. */
    void stopping() {
        stopping = true;
    }
}
