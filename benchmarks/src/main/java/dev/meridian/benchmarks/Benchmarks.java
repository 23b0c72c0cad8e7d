package dev.meridian.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** What every benchmark harness does the same way. */
final class Benchmarks {

    private Benchmarks() {}

    /**
     * The service JVM's options: the harness's own, then {@code BENCH_JVM_ARGS} from the environment (e.g. a flight
     * recording: {@code BENCH_JVM_ARGS="-XX:StartFlightRecording=..."}).
     */
    static List<String> jvmOptions(String... options) {
        List<String> all = new ArrayList<>(List.of(options));
        String extra = System.getenv("BENCH_JVM_ARGS");
        if (extra != null && !extra.isBlank()) {
            all.addAll(List.of(extra.strip().split("\\s+")));
        }
        return all;
    }

    /**
     * Runs a harness and ends the JVM either way (the JWKS server and Kafka clients keep non-daemon threads),
     * reporting a failure before exiting with status 1.
     */
    static void runThenExit(Harness harness) {
        int status = 1;
        try {
            harness.run();
            status = 0;
        } catch (Exception | Error e) {
            e.printStackTrace();
        } finally {
            System.exit(status);
        }
    }

    interface Harness {
        void run() throws Exception;
    }
}
