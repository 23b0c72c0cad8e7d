package dev.meridian.system.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One request the load generator sent through a gateway, as it saw it: when it started (epoch ms, both processes
 * share the clock), which operation, which gateway (0 or 1), the answer's status ({@code 0} when no answer came: a
 * reset, a time-out), how long it took, whose account, whether it was the answer the operation expects, and what went
 * wrong when it was not.
 */
record Request(long at, Op op, int gateway, int status, long millis, String email, boolean ok, String detail) {

    /** The operations of the load, each with the status a success answers. */
    enum Op {
        SIGN_UP(202),
        VERIFY(204),
        SIGN_IN(200),
        READ(200),
        UPDATE(200),
        REFRESH(200);

        final int expected;

        Op(int expected) {
            this.expected = expected;
        }
    }

    /**
     * No answer from the service: none at all, or the gateway's 504 (it stopped waiting) — the request may or may not
     * have been carried out, so its effect may or may not be there.
     */
    boolean unanswered() {
        return status == 0 || status == 504;
    }

    boolean failed() {
        return !ok;
    }

    /**
     * Refused with "try again shortly": a 503 problem, or — the token endpoint's form of it, RFC 6749 JSON — a
     * refresh answered {@code temporarily_unavailable} because the user's standing could not be checked.
     */
    boolean toldToRetry() {
        return status == 503 || (op == Op.REFRESH && status == 400 && detail.contains("temporarily_unavailable"));
    }

    String csv() {
        return at + "," + op + "," + gateway + "," + status + "," + millis + "," + email + "," + ok + ","
                + detail.replaceAll("[,\\r\\n]", " ");
    }

    static Request parse(String line) {
        String[] f = line.split(",", 8);
        return new Request(
                Long.parseLong(f[0]),
                Op.valueOf(f[1]),
                Integer.parseInt(f[2]),
                Integer.parseInt(f[3]),
                Long.parseLong(f[4]),
                f[5],
                Boolean.parseBoolean(f[6]),
                f.length > 7 ? f[7] : "");
    }

    static List<Request> read(Path csv) throws IOException {
        return Files.readAllLines(csv).stream()
                .filter(line -> !line.isBlank())
                .map(Request::parse)
                .toList();
    }
}
