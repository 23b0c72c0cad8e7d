package dev.meridian.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** wrk, run as its own process: a script that reads users' accounts, and the numbers from its report. */
final class Wrk {

    private Wrk() {}

    /** {@code wrk -t2 -c<connections>} for {@code duration} against {@code baseUrl}, with latency percentiles. */
    static Result run(String baseUrl, Path script, int connections, Duration duration)
            throws IOException, InterruptedException {
        Process wrk = new ProcessBuilder(
                        "wrk",
                        "-t2",
                        "-c" + connections,
                        "-d" + duration.toSeconds() + "s",
                        "--latency",
                        "-s",
                        script.toString(),
                        baseUrl)
                .redirectErrorStream(true)
                .start();
        String output = new String(wrk.getInputStream().readAllBytes());
        if (wrk.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + output);
        }
        return Result.fromWrk(output);
    }

    /** A wrk script that sends GET /api/users/{id} with the user's token: at random, or each id once in turn. */
    static Path getByIdScript(Path work, String name, List<String[]> users, boolean eachOnce) throws IOException {
        Path ids = work.resolve(name + ".ids");
        Files.write(ids, users.stream().map(u -> u[0] + " " + u[1]).toList());
        String lua = """
                local users = {}
                for line in io.lines("%s") do
                  local id, token = line:match("(%%S+) (%%S+)")
                  users[#users + 1] = { id, token }
                end
                local next_index = 0
                local step = 1
                function setup(thread)
                  thread:set("offset", #setups)
                  setups[#setups + 1] = thread
                end
                setups = {}
                function init(args)
                  next_index = offset
                  step = 2
                end
                function request()
                  local user
                  if %s then
                    next_index = next_index + step
                    user = users[(next_index %% #users) + 1]
                  else
                    user = users[math.random(#users)]
                  end
                  return wrk.format("GET", "/api/users/" .. user[1], { ["Authorization"] = "Bearer " .. user[2] })
                end
                """.formatted(ids, eachOnce);
        Path script = work.resolve(name);
        Files.writeString(script, lua);
        return script;
    }

    record Result(double perSecond, double p50, double p99, long errors, long requests) {

        static Result fromWrk(String output) {
            return new Result(
                    number(output, "Requests/sec:\\s+([\\d.]+)"),
                    millis(output, "50%"),
                    millis(output, "99%"),
                    (long) numberOr(output, "Non-2xx or 3xx responses:\\s+(\\d+)", 0),
                    (long) number(output, "(\\d+) requests in"));
        }

        private static double millis(String output, String percentile) {
            Matcher m = Pattern.compile(percentile + "\\s+([\\d.]+)(us|ms|s)").matcher(output);
            if (!m.find()) {
                throw new IllegalStateException("No " + percentile + " latency in wrk output:\n" + output);
            }
            double value = Double.parseDouble(m.group(1));
            return switch (m.group(2)) {
                case "us" -> value / 1000;
                case "s" -> value * 1000;
                default -> value;
            };
        }

        private static double number(String output, String regex) {
            Matcher m = Pattern.compile(regex).matcher(output);
            if (!m.find()) {
                throw new IllegalStateException("wrk output lacks " + regex + ":\n" + output);
            }
            return Double.parseDouble(m.group(1));
        }

        private static double numberOr(String output, String regex, double fallback) {
            Matcher m = Pattern.compile(regex).matcher(output);
            return m.find() ? Double.parseDouble(m.group(1)) : fallback;
        }
    }
}
