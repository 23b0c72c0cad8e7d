package dev.meridian.devstack;

import dev.meridian.testkit.ServiceProcess;
import java.io.PrintStream;

/**
 * Tells the person at the console, the moment it happens, that a process devstack started has died: which one, its
 * exit code, and where its log is. Quiet once devstack itself is stopping them.
 */
final class ExitReporter {

    private final PrintStream console;
    private volatile boolean stopping;

    ExitReporter(PrintStream console) {
        this.console = console;
    }

    void watch(String name, ServiceProcess process) {
        process.onExit().thenAccept(code -> {
            if (!stopping) {
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
