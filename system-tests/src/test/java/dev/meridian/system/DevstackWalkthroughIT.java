package dev.meridian.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The README's "run it" command as a newcomer runs it: devstack's jar started from the repository's root, the
 * platform up within three minutes, then the walkthrough it prints run as it is ({@code devstack/walkthrough.sh},
 * the file it prints), and Ctrl-C (SIGTERM) leaving no process behind. devstack uses its usual fixed ports. With
 * {@code --scale user-service=2}: the gateway spreads the walkthrough's calls over both instances, which works only
 * while they share one database (a user signed up on one signs in through the other). With {@code --restart}: a
 * service killed under it is reported and started again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevstackWalkthroughIT {

    private static final Path ROOT = Path.of(System.getProperty("meridian.root", ".."));
    private static final Path OUTPUT = Path.of("target", "devstack-it.log");
    private static final Pattern UP = Pattern.compile("devstack: platform up in (\\d+) s");

    /** The first run after a build ends by writing the services' start-up caches (devstack's StartupCache). */
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(4);

    private static Process devstack;
    private static long upInSeconds;

    @BeforeAll
    static void startDevstack() throws Exception {
        Files.createDirectories(OUTPUT.getParent());
        devstack = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-jar",
                        "devstack/target/devstack.jar",
                        "--scale",
                        "user-service=2",
                        "--restart")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        upInSeconds = awaitPlatformUp(Duration.ofMinutes(5));
    }

    @AfterAll
    static void stopDevstack() throws Exception {
        if (devstack != null && devstack.isAlive()) {
            devstack.destroy();
            devstack.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(1)
    void comesUpWithinThreeMinutesAndItsWalkthroughWorksAsPrinted() throws Exception {

        Process walkthrough = new ProcessBuilder("bash", "devstack/walkthrough.sh")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(walkthrough.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(walkthrough.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(walkthrough.exitValue()).as(output).isZero();
        Matcher signedUp =
                Pattern.compile("signed up (\\S+) as ([0-9a-f-]{36})").matcher(output);
        assertThat(signedUp.find()).as(output).isTrue();
        String email = signedUp.group(1);
        String id = signedUp.group(2);
        assertThat(output)
                .as("her own account, read with her token")
                .contains("{\"id\":\"" + id + "\",\"email\":\"" + email + "\"")
                .contains("without a token: 401")
                .as("sign-up answers 202 and the address is verified with the code its mail carries")
                .contains("(202)", "address verified: 204")
                .as("the welcome mail, once verified")
                .contains("To: " + email, "Subject: Welcome to Meridian")
                .as("a reset from the mailed link ends her sessions and the new password signs in")
                .contains(
                        "password reset: 204",
                        "the old token after the reset: 401",
                        "signed in with the new password: 200")
                .as("her audit log")
                .contains("\"type\":\"dev.meridian.user.created.v1\"")
                .as("one trace from the gateway through Kafka to both consumers")
                .contains(
                        "\"serviceName\":\"gateway-service\"",
                        "\"serviceName\":\"user-service\"",
                        "\"serviceName\":\"audit-service\"",
                        "\"serviceName\":\"notification-service\"");
        Matcher resetToken =
                Pattern.compile("reset link: \\S*token=([A-Za-z0-9_-]+)").matcher(output);
        assertThat(resetToken.find()).as(output).isTrue();
        String auditLog = output.lines()
                .filter(line -> line.contains("dev.meridian.user.created.v1"))
                .findFirst()
                .orElseThrow();
        assertThat(auditLog).as("no link in the audit log").doesNotContain(resetToken.group(1));
        // Three minutes from the caches, four for the first run after a build, which trains them (devstack's
        // StartupCache): a clean clone always trains. benchmarks/results/devstack.md has the measured figures.
        boolean training = Files.readString(OUTPUT).contains("(training its start-up cache)");
        assertThat(upInSeconds)
                .as("platform up in (s)%s", training ? ", training the start-up caches" : "")
                .isLessThan(training ? 240 : 180);
    }

    @Test
    @Order(1)
    void theRegistryAdmitsOnlyTheCredentialsDevstackPrintsAndListensOnLoopbackOnly() throws Exception {
        Matcher login = Pattern.compile("Eureka dashboard\\s+http://localhost:8761 \\(user (\\S+), password (\\S+):")
                .matcher(awaitWelcome());
        assertThat(login.find()).as("the welcome names the dashboard's login").isTrue();
        var http = java.net.http.HttpClient.newHttpClient();
        URI apps = URI.create("http://127.0.0.1:8761/eureka/apps");

        var anonymous = http.send(
                HttpRequest.newBuilder(apps)
                        .header("Accept", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        var signedIn = http.send(
                HttpRequest.newBuilder(apps)
                        .header("Accept", "application/json")
                        .header(
                                "Authorization",
                                "Basic "
                                        + java.util.Base64.getEncoder()
                                                .encodeToString((login.group(1) + ":" + login.group(2))
                                                        .getBytes(StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(signedIn.body()).contains("USER-SERVICE", "AUTH-SERVICE", "GATEWAY-SERVICE");
        assertThat(Pattern.compile("\"app\"\\s*:\\s*\"USER-SERVICE\"")
                        .matcher(signedIn.body())
                        .results()
                        .count())
                .as("--scale user-service=2: both instances registered")
                .isEqualTo(2);
        java.util.Optional<java.net.InetAddress> lan = java.net.NetworkInterface.networkInterfaces()
                .flatMap(java.net.NetworkInterface::inetAddresses)
                .filter(address -> address instanceof java.net.Inet4Address && !address.isLoopbackAddress())
                .findFirst();
        if (lan.isPresent()) {
            try (var socket = new java.net.Socket()) {
                assertThatThrownBy(() -> socket.connect(new java.net.InetSocketAddress(lan.get(), 8761), 1_000))
                        .as("the registry on %s", lan.get())
                        .isInstanceOf(IOException.class);
            }
        }
    }

    /** devstack's output up to the end of its welcome (printed right after "platform up"). */
    private static String awaitWelcome() throws Exception {
        for (int i = 0; i < 50; i++) {
            String output = Files.readString(OUTPUT);
            if (output.contains("Ctrl-C stops everything")) {
                return output;
            }
            Thread.sleep(100);
        }
        return Files.readString(OUTPUT);
    }

    @Test
    @Order(2)
    void aKilledServiceIsReportedAndStartedAgainOnItsPort() throws Exception {
        ProcessHandle audit = devstack.descendants()
                .filter(process -> process.info()
                        .arguments()
                        .map(arguments -> String.join(" ", arguments).contains("audit-service-"))
                        .orElse(false))
                .findFirst()
                .orElseThrow();

        audit.destroyForcibly(); // SIGKILL, as the OOM killer would
        audit.onExit().get(30, TimeUnit.SECONDS);

        String console = awaitOutput("ready again on :8083", Duration.ofMinutes(3));
        assertThat(console)
                .contains("devstack: WARNING audit-service stopped (exit code 137); starting it again")
                .containsPattern("devstack: audit-service +ready again on :8083");
        HttpResponse<Void> ready = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:8083/readyz"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        assertThat(ready.statusCode()).isEqualTo(200);
    }

    private static String awaitOutput(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.readString(OUTPUT).contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        String output = Files.readString(OUTPUT);
        assertThat(output).as("devstack's console").contains(text);
        return output;
    }

    @Test
    @Order(3)
    void ctrlCStopsEveryProcessItStarted() throws Exception {
        List<ProcessHandle> started = devstack.descendants().toList();
        assertThat(started).as("discovery, five services and Zipkin").hasSizeGreaterThanOrEqualTo(7);

        devstack.destroy();

        assertThat(devstack.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(started.stream().filter(ProcessHandle::isAlive)).isEmpty();
    }

    /** Copies devstack's output to target/devstack-it.log until it says the platform is up; answers how long it took. */
    private static long awaitPlatformUp(Duration timeout) throws Exception {
        var reader = new BufferedReader(new InputStreamReader(devstack.getInputStream(), StandardCharsets.UTF_8));
        var log = Files.newBufferedWriter(OUTPUT, StandardCharsets.UTF_8);
        CompletableFuture<Long> up = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (log) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    log.write(line);
                    log.newLine();
                    log.flush();
                    Matcher matcher = UP.matcher(line);
                    if (matcher.find()) {
                        up.complete(Long.parseLong(matcher.group(1)));
                    }
                }
                up.completeExceptionally(new IllegalStateException("devstack exited; see " + OUTPUT.toAbsolutePath()));
            } catch (IOException e) {
                up.completeExceptionally(e);
            }
        });
        try {
            return up.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(
                    "devstack was not up within " + timeout + "; see " + OUTPUT.toAbsolutePath(), e);
        }
    }
}
