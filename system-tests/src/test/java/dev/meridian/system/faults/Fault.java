package dev.meridian.system.faults;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One fault of the operator's table: how it is injected and healed, how long it lasts, and the promise the requests
 * sent in its phase must keep ({@link Rule}: empty when kept, else what broke it). Effects — events and mail exactly
 * once — are checked for the whole run by {@link Reconciliation}.
 */
record Fault(String name, String promise, Step inject, Step heal, Duration hold, Rule rule) {

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    @FunctionalInterface
    interface Rule {
        Optional<String> check(Window window, List<Request> requests);
    }

    /** No request of the phase may fail. */
    static Rule noneFail() {
        return (window, requests) -> {
            long failed = window.failed(requests).size();
            return failed == 0 ? Optional.empty() : Optional.of(failed + " requests failed");
        };
    }
}
