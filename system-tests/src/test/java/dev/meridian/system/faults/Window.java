package dev.meridian.system.faults;

import java.util.List;

/**
 * When one phase of the run happened (epoch ms): the fault injected, healed (the heal began), recovered (the healed
 * part ready again), and the phase's end (the next phase's start). A steady phase has no fault: all four mark its
 * span. Requests are counted to the phase they started in.
 */
record Window(String name, long injected, long healed, long recovered, long end) {

    boolean contains(long at) {
        return at >= injected && at < end;
    }

    List<Request> of(List<Request> requests) {
        return requests.stream().filter(r -> contains(r.at())).toList();
    }

    /** The requests sent while the fault was in force (injected until healed). */
    List<Request> during(List<Request> requests) {
        return requests.stream()
                .filter(r -> r.at() >= injected && r.at() < Math.max(healed, injected + 1))
                .toList();
    }
}
