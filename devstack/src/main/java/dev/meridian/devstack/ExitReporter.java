package dev.meridian.devstack;

import dev.meridian.testkit.ServiceProcess;
import java.io.PrintStream;

/**
 * Tells the person at the console, the moment it happens, that a process devstack started has died: which one, its
 * exit code, and where its log is. Quiet once devstack itself is stopping them, and for an exit on SIGINT (code 130):
 * Ctrl-C reaches every process of the terminal's group, the children often before devstack's own shutdown hook.
 */
final class ExitReporter {

    /** 128 + SIGINT. */
    static final int INTERRUPTED = 130;

    private final PrintStream console;
    private volatile boolean stopping;

    ExitReporter(PrintStream console) {
        this.console = console;
    }

    void watch(String name, ServiceProcess process) {
        process.onExit().thenAccept(code -> {
            if (!stopping && code != INTERRUPTED) {
                console.printf(
                        "devstack: WARNING %s stopped (exit code %d); the platform runs without it. Its log: %s%n",
                        name, code, process.log());
            }
        });
    }

    /** From now on processes end because devstack ends them. */
    void stopping() {
        stopping = true;
    }
}
