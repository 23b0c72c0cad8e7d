package dev.meridian.system.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A network partition on loopback: iptables drops every packet to and from one port, so the service listening there
 * is cut off from everyone who calls it — the gateways' requests and health probes, auth-service's credentials
 * checks — while its own connections out (Eureka heartbeats, PostgreSQL, Kafka, Redis) keep working. It stays
 * registered and alive: the callers have to find out by themselves, the partition a load balancer must survive.
 *
 * <p>Every rule carries one comment, so that rules a crashed run left behind on this machine are removed before the
 * next cut ({@link #healAll()}). Needs root and iptables (.ci/run installs it beside podman).
 */
final class LoopbackPartition {

    private static final String COMMENT = "meridian-faults-partition";

    private LoopbackPartition() {}

    /** Drops what is sent to {@code port} (requests, new connections) and from it (answers) on loopback. */
    static void cut(int port) throws IOException, InterruptedException {
        healAll();
        for (String direction : List.of("--dport", "--sport")) {
            iptables(
                    "-I",
                    "OUTPUT",
                    "-o",
                    "lo",
                    "-p",
                    "tcp",
                    direction,
                    String.valueOf(port),
                    "-m",
                    "comment",
                    "--comment",
                    COMMENT,
                    "-j",
                    "DROP");
        }
    }

    /** Removes every rule this class added, this run's or a crashed one's. */
    static void healAll() throws IOException, InterruptedException {
        for (String rule : iptables("-S", "OUTPUT").lines().toList()) {
            if (rule.startsWith("-A ") && rule.contains(COMMENT)) {
                var delete = new ArrayList<>(List.of("-D"));
                // iptables -S prints each rule as the arguments that add it (COMMENT has no space, so is not quoted).
                delete.addAll(List.of(rule.substring(3).split(" ")));
                iptables(delete.toArray(String[]::new));
            }
        }
    }

    private static String iptables(String... arguments) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of("iptables", "-w", "5"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Read to the end (iptables exits within its -w 5 wait for the xtables lock), then its status.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
        return output;
    }
}
