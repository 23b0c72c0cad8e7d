package dev.meridian.system.faults;

import java.util.List;

/**
 * When one phase of the run happened (epoch ms): the fault injected, healed (the heal began), recovered (the healed
 * part ready again), and the phase's end (the next phase's start). A steady phase has no fault: all four mark its
 * span. Requests are counted to the phase they ended in.
 */
record Window(String name, long injected, long healed, long recovered, long end) {

    boolean contains(long at) {
        return at >= injected && at < end;
    }

    /**
     * The requests answered (or given up) in this phase: one sent just before the next fault and cut off by it is
     * that fault's, not this phase's (a request in flight on the gateway killed next counted against the phase before).
     */
    List<Request> of(List<Request> requests) {
        return requests.stream().filter(r -> contains(r.at() + r.millis())).toList();
    }

    /** The requests of this phase that failed: what every fault's rule judges. */
    List<Request> failed(List<Request> requests) {
        return of(requests).stream().filter(Request::failed).toList();
    }

    /** The requests sent while the fault was in force (injected until healed). */
    List<Request> during(List<Request> requests) {
        return requests.stream()
                .filter(r -> r.at() >= injected && r.at() < Math.max(healed, injected + 1))
                .toList();
    }
}
