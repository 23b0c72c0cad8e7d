package dev.meridian.system.faults;

import dev.meridian.system.faults.Request.Op;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The outside world of the fault scenario, in a JVM of its own: people signing up, verifying their address with the
 * code their mail carries, signing in as a native app does (authorization code + PKCE), reading and changing their
 * profile and refreshing their tokens — only through the gateways, at a fixed rate whatever the answers. It spreads
 * over both gateways as a load balancer with health checks does: a gateway whose {@code /readyz} fails is skipped, and
 * a refused connection (the request never left) is sent to the other. Every request is written to
 * {@code requests.csv}; it stops when its standard input closes or says {@code stop}.
 *
 * <p>Arguments: gateway URLs (comma-separated), inbox URL, requests per second, output folder, run id.
 */
public final class LoadGenerator {

    static final String PASSWORD = "correct horse battery staple";
    private static final String CLIENT = "meridian-cli";
    private static final String REDIRECT = "http://127.0.0.1:8400/callback";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** More in flight than this and a tick is skipped (and counted): the rate stays bounded whatever the platform. */
    static final int MAX_IN_FLIGHT = 64;
    /** Each person connects from an address of their own pool, as separate clients do (per-address limits). */
    private static final int ADDRESSES = 48;
    /** Sign-ups per second, whatever the total rate. */
    private static final int SIGN_UPS_PER_SECOND = 2;
    /** People signed up, verified and signed in before the first phase. */
    private static final int SEED = 24;

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]*)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final Pattern JSON_STRING = Pattern.compile("\"%s\"\\s*:\\s*\"([^\"]*)\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Gateway> gateways;
    private final String inbox;
    private final int rate;
    private final String runId;
    private final List<HttpClient> clients = new ArrayList<>();
    private final HttpClient inboxClient =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final List<Person> people = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Request> log = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong roundRobin = new AtomicLong();
    /** When the last failed request ended (epoch ms), for the scenario's warm-up: {@code last-failure.txt}. */
    private final AtomicLong lastFailure = new AtomicLong();

    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();

    private LoadGenerator(List<String> gatewayUrls, String inbox, int rate, String runId) throws IOException {
        this.gateways = new ArrayList<>();
        for (int i = 0; i < gatewayUrls.size(); i++) {
            gateways.add(new Gateway(i, gatewayUrls.get(i)));
        }
        this.inbox = inbox;
        this.rate = rate;
        this.runId = runId;
        for (int i = 0; i < ADDRESSES; i++) {
            clients.add(HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .localAddress(InetAddress.getByName("127.0.30." + (i + 1)))
                    .connectTimeout(Duration.ofSeconds(1))
                    .build());
        }
    }

    public static void main(String[] args) throws Exception {
        var load = new LoadGenerator(List.of(args[0].split(",")), args[1], Integer.parseInt(args[2]), args[4]);
        Path out = Path.of(args[3]);
        load.run(out);
        System.exit(0);
    }

    private void run(Path out) throws Exception {
        Files.createDirectories(out);
        seed();
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
        clock.scheduleAtFixedRate(this::probeGateways, 0, 500, TimeUnit.MILLISECONDS);
        clock.scheduleAtFixedRate(
                () -> tell(out.resolve("last-failure.txt"), lastFailure.get()), 0, 500, TimeUnit.MILLISECONDS);
        // Sign-ups at their own fixed rate: hashing a password is the dearest thing the platform does, so their share
        // must not grow with whatever else cannot be done at the moment (the first run's 87 % came from that).
        clock.scheduleAtFixedRate(() -> tick(this::signUp), 0, 1_000_000 / SIGN_UPS_PER_SECOND, TimeUnit.MICROSECONDS);
        int others = Math.max(1, rate - SIGN_UPS_PER_SECOND);
        clock.scheduleAtFixedRate(() -> tick(this::act), 0, 1_000_000 / others, TimeUnit.MICROSECONDS);
        Files.writeString(out.resolve("seeded.txt"), String.valueOf(people.size()));
        System.out.println("load: " + rate + " requests/s (" + SIGN_UPS_PER_SECOND + " sign-ups) over "
                + gateways.size() + " gateways, " + people.size() + " people seeded");
        var stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = stdin.readLine(); line != null && !line.strip().equals("stop"); line = stdin.readLine()) {
            // Anything but "stop" is ignored.
        }
        clock.shutdownNow();
        workers.shutdown();
        workers.awaitTermination(15, TimeUnit.SECONDS);
        try (var writer = new PrintWriter(Files.newBufferedWriter(out.resolve("requests.csv")))) {
            log.stream().sorted(java.util.Comparator.comparingLong(Request::at)).forEach(r -> writer.println(r.csv()));
        }
        Files.writeString(out.resolve("skipped.txt"), String.valueOf(skipped.get()));
        System.out.println("load: " + log.size() + " requests, " + skipped.get() + " ticks skipped (in flight)");
    }

    /**
     * People who exist before the first phase, so that reads, changes, sign-ins and refreshes have someone from the
     * first second: {@link #SEED} sign-ups, a few at a time, each verified with its mail's code and signed in. Their
     * requests are recorded like any other (they fall before the first phase, and are reconciled all the same).
     */
    private void seed() throws Exception {
        var pool = Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<?>> work = new ArrayList<>();
        for (int i = 0; i < SEED; i++) {
            work.add(pool.submit(() -> {
                Person p = signUp();
                long until = System.currentTimeMillis() + 60_000;
                // verify() frees the person whether or not the code had come.
                while (p.signedUp && !p.verified && !p.verificationUnknown && System.currentTimeMillis() < until) {
                    p.busy.set(true);
                    if (!verify(p)) {
                        Thread.sleep(500);
                    }
                }
                if (p.signedUp) {
                    signIn(p);
                }
                return null;
            }));
        }
        for (var w : work) {
            w.get(3, TimeUnit.MINUTES);
        }
        pool.shutdown();
    }

    /** A person of the load: what they have been told, and whether one of their requests is under way. */
    private final class Person {
        final String email;
        final HttpClient http;
        final AtomicBoolean busy = new AtomicBoolean();
        volatile boolean signedUp;
        volatile boolean verified;
        /**
         * A verification got no answer: it may have been carried out, its code then used, and a second try would be
         * refused as any used code is. Not tried again; the reconciliation reads whether it was from the database.
         */
        volatile boolean verificationUnknown;

        volatile String id;
        volatile String access;
        volatile String refresh;
        volatile int updates;

        Person(int n) {
            this.email = "fault-" + runId + "-" + n + "@example.com";
            this.http = clients.get(n % clients.size());
        }
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    private void tick(Work work) {
        if (inFlight.get() >= MAX_IN_FLIGHT) {
            skipped.incrementAndGet();
            return;
        }
        inFlight.incrementAndGet();
        workers.execute(() -> {
            try {
                work.run();
            } catch (Exception | AssertionError e) {
                System.err.println("load: " + e);
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    /**
     * One tick's work besides the sign-ups: a verification whose code has come, else an operation drawn by weight
     * for an idle person. When no one fits the draw it falls back to a read, the cheapest request, and when no one is
     * signed in at all the tick does nothing: the fallback must never add load of another kind.
     */
    private void act() throws Exception {
        double draw = ThreadLocalRandom.current().nextDouble();
        if (draw < 0.10) {
            Optional<Person> toVerify = idle(p -> p.signedUp && !p.verified && !p.verificationUnknown);
            if (toVerify.isPresent() && verify(toVerify.get())) {
                return;
            }
        }
        Op op = draw < 0.20 ? Op.SIGN_IN : draw < 0.40 ? Op.UPDATE : draw < 0.55 ? Op.REFRESH : Op.READ;
        Optional<Person> person = switch (op) {
            // Anyone who has an account signs in now and then, as people do on a new device.
            case SIGN_IN ->
                idle(p -> p.signedUp
                        && (p.access == null || ThreadLocalRandom.current().nextInt(4) == 0));
            case UPDATE -> idle(p -> p.verified && p.access != null && p.id != null);
            case REFRESH -> idle(p -> p.refresh != null);
            default -> idle(p -> p.access != null);
        };
        if (person.isEmpty() && op != Op.READ) {
            op = Op.READ;
            person = idle(p -> p.access != null);
        }
        if (person.isEmpty()) {
            return;
        }
        Person p = person.get();
        try {
            switch (op) {
                case SIGN_IN -> signIn(p);
                case UPDATE -> update(p);
                case REFRESH -> refresh(p);
                default -> read(p);
            }
        } finally {
            p.busy.set(false);
        }
    }

    /** A person no request of whom is under way, meeting {@code condition}, taken (busy) for this tick. */
    private Optional<Person> idle(java.util.function.Predicate<Person> condition) {
        List<Person> candidates =
                people.stream().filter(p -> !p.busy.get() && condition.test(p)).toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            Person p = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
            if (p.busy.compareAndSet(false, true)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private Person signUp() {
        var p = new Person(next.incrementAndGet());
        p.busy.set(true);
        people.add(p);
        try {
            Outcome answer = send(
                    Op.SIGN_UP,
                    p,
                    gateway -> json(
                            p.http,
                            gateway,
                            "/api/users",
                            "POST",
                            null,
                            null,
                            Map.of("email", p.email, "name", "Load " + p.email.hashCode(), "password", PASSWORD)));
            // An unanswered sign-up may still have made the account; the reconciliation looks it up either way.
            p.signedUp = answer.ok();
        } finally {
            p.busy.set(false);
        }
        return p;
    }

    /** Types the code from the verification mail, once it has arrived; {@code false} when it has not yet. */
    private boolean verify(Person p) throws Exception {
        try {
            var code = inboxClient.send(
                    HttpRequest.newBuilder(URI.create(inbox + "/code?to=" + encode(p.email)))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (code.statusCode() != 200) {
                return false;
            }
            Outcome answer = send(
                    Op.VERIFY,
                    p,
                    gateway -> json(
                            p.http,
                            gateway,
                            "/api/users/email-verification",
                            "POST",
                            null,
                            null,
                            Map.of("email", p.email, "code", code.body().strip())));
            if (answer.ok()) {
                p.verified = true;
            } else if (answer.status() == 0 || answer.status() == 504) {
                p.verificationUnknown = true;
            }
            return true;
        } finally {
            p.busy.set(false);
        }
    }

    private void read(Person p) {
        Outcome answer =
                send(Op.READ, p, gateway -> json(p.http, gateway, "/api/users/me", "GET", p.access, null, null));
        if (answer.ok()) {
            Matcher id = ID.matcher(answer.body());
            if (id.find()) {
                p.id = id.group(1);
            }
        }
    }

    /** Reads the account for its ETag, then renames it with If-Match. */
    private void update(Person p) {
        Outcome current =
                send(Op.READ, p, gateway -> json(p.http, gateway, "/api/users/me", "GET", p.access, null, null));
        String etag = current.response == null
                ? null
                : current.response.headers().firstValue("ETag").orElse(null);
        if (!current.ok() || etag == null) {
            return;
        }
        int n = p.updates + 1;
        Outcome changed = send(
                Op.UPDATE,
                p,
                gateway -> json(
                        p.http,
                        gateway,
                        "/api/users/" + p.id,
                        "PATCH",
                        p.access,
                        etag,
                        Map.of("name", "Renamed " + n)));
        if (changed.ok()) {
            p.updates = n;
        }
    }

    private void refresh(Person p) {
        String refreshToken = p.refresh;
        Outcome answer = send(
                Op.REFRESH,
                p,
                gateway -> p.http.send(
                        form(
                                        gateway,
                                        "/oauth2/token",
                                        Map.of(
                                                "grant_type",
                                                "refresh_token",
                                                "client_id",
                                                CLIENT,
                                                "refresh_token",
                                                refreshToken))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
        if (answer.ok()) {
            p.access = string(answer.body(), "access_token");
            p.refresh = string(answer.body(), "refresh_token");
        } else if (answer.response == null || answer.status() / 100 == 4) {
            // A rotated token that did not reach us is a reuse next time (which revokes the family): sign in again.
            p.access = null;
            p.refresh = null;
        }
    }

    /**
     * Authorization code + PKCE as a native app does it, all on one gateway: the authorization request, the login
     * form (its session cookie kept by hand), back to the authorization endpoint, the code exchanged with the
     * verifier. Recorded as one operation: its status is that of the first step that answered otherwise than expected.
     */
    private void signIn(Person p) {
        send(Op.SIGN_IN, p, gateway -> {
            String verifier = random(32);
            String state = random(12);
            var cookies = new LinkedHashMap<String, String>();
            String authorize = "/oauth2/authorize?response_type=code&client_id=" + CLIENT + "&scope=openid%20profile"
                    + "&state=" + state + "&redirect_uri=" + encode(REDIRECT) + "&code_challenge=" + challenge(verifier)
                    + "&code_challenge_method=S256";
            var toLogin = browse(p, cookies, get(gateway.url + authorize));
            if (toLogin.statusCode() != 302) {
                return toLogin;
            }
            var page = browse(p, cookies, get(gateway.url + "/login"));
            Matcher csrf = CSRF.matcher(page.body());
            if (page.statusCode() != 200 || !csrf.find()) {
                return page;
            }
            var login = browse(
                    p,
                    cookies,
                    form(gateway, "/login", Map.of("username", p.email, "password", PASSWORD, "_csrf", csrf.group(1))));
            String back = login.headers().firstValue("Location").orElse("");
            if (login.statusCode() != 302 || !back.contains("/oauth2/authorize")) {
                return login;
            }
            var callback = browse(p, cookies, get(back.startsWith("http") ? back : gateway.url + back));
            String location = callback.headers().firstValue("Location").orElse("");
            if (callback.statusCode() != 302 || !location.startsWith(REDIRECT) || !location.contains("code=")) {
                return callback;
            }
            String code = location.replaceFirst(".*[?&]code=([^&]*).*", "$1");
            var tokens = p.http.send(
                    form(
                                    gateway,
                                    "/oauth2/token",
                                    Map.of(
                                            "grant_type",
                                            "authorization_code",
                                            "client_id",
                                            CLIENT,
                                            "code",
                                            code,
                                            "redirect_uri",
                                            REDIRECT,
                                            "code_verifier",
                                            verifier))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (tokens.statusCode() == 200) {
                p.access = string(tokens.body(), "access_token");
                p.refresh = string(tokens.body(), "refresh_token");
            }
            return tokens;
        });
    }

    private static HttpResponse<String> browse(Person p, Map<String, String> cookies, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        if (!cookies.isEmpty()) {
            request.header(
                    "Cookie",
                    cookies.entrySet().stream()
                            .map(c -> c.getKey() + "=" + c.getValue())
                            .collect(Collectors.joining("; ")));
        }
        var response = p.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String set : response.headers().allValues("Set-Cookie")) {
            String pair = set.split(";", 2)[0];
            int eq = pair.indexOf('=');
            if (eq > 0) {
                cookies.put(
                        pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
        }
        return response;
    }

    private record Outcome(HttpResponse<String> response, boolean ok) {
        int status() {
            return response == null ? 0 : response.statusCode();
        }

        String body() {
            return response == null ? "" : response.body();
        }
    }

    @FunctionalInterface
    private interface Exchange {
        HttpResponse<String> with(Gateway gateway) throws Exception;
    }

    /**
     * Sends through a healthy gateway, round robin; a refused connection (nothing reached the gateway) goes to the
     * next one, as a load balancer does. Records the request with its outcome.
     */
    private Outcome send(Op op, Person p, Exchange exchange) {
        long start = System.currentTimeMillis();
        long began = System.nanoTime();
        List<Gateway> order = order();
        HttpResponse<String> response = null;
        String detail = "";
        int used = order.getFirst().index;
        for (Gateway gateway : order) {
            used = gateway.index;
            try {
                response = exchange.with(gateway);
                detail = "";
                break;
            } catch (ConnectException | HttpConnectTimeoutException refused) {
                gateway.healthy = false;
                detail = refused.getClass().getSimpleName();
            } catch (Exception e) {
                detail = e.getClass().getSimpleName() + " " + String.valueOf(e.getMessage());
                break;
            }
        }
        long millis = (System.nanoTime() - began) / 1_000_000;
        boolean ok = response != null && response.statusCode() == op.expected;
        if (response != null && !ok) {
            String body = response.body() == null ? "" : response.body();
            // A redirect where another was expected (a sign-in sent back to the login page) says where in Location.
            String said = body.isBlank()
                    ? response.uri().getPath() + " -> "
                            + response.headers().firstValue("Location").orElse("")
                    : body;
            // A refused token: which check refused it is in WWW-Authenticate (the problem body does not say).
            String challenge = response.headers()
                    .firstValue("WWW-Authenticate")
                    .map(value -> value + " | ")
                    .orElse("");
            said = challenge + said;
            detail = said.substring(0, Math.min(challenge.length() + 160, said.length()));
        }
        if (!ok) {
            lastFailure.accumulateAndGet(start + millis, Math::max);
        }
        log.add(new Request(
                start, op, used, response == null ? 0 : response.statusCode(), millis, p.email, ok, detail));
        return new Outcome(response, ok);
    }

    private static void tell(Path file, long value) {
        try {
            Files.writeString(file, Long.toString(value));
        } catch (IOException e) {
            System.out.println("load: could not write " + file + ": " + e);
        }
    }

    /** Healthy gateways first, starting at the next in turn; unhealthy ones last (a last resort, not skipped). */
    private List<Gateway> order() {
        int first = (int) (roundRobin.getAndIncrement() % gateways.size());
        List<Gateway> healthy = new ArrayList<>();
        List<Gateway> sick = new ArrayList<>();
        for (int i = 0; i < gateways.size(); i++) {
            Gateway g = gateways.get((first + i) % gateways.size());
            (g.healthy ? healthy : sick).add(g);
        }
        healthy.addAll(sick);
        return healthy;
    }

    private void probeGateways() {
        for (Gateway g : gateways) {
            workers.execute(() -> {
                try {
                    int status = inboxClient
                            .send(
                                    HttpRequest.newBuilder(URI.create(g.url + "/readyz"))
                                            .timeout(Duration.ofMillis(400))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    g.healthy = status == 200;
                } catch (Exception e) {
                    g.healthy = false;
                }
            });
        }
    }

    private static final class Gateway {
        final int index;
        final String url;
        volatile boolean healthy = true;

        Gateway(int index, String url) {
            this.index = index;
            this.url = url;
        }
    }

    private static HttpResponse<String> json(
            HttpClient http,
            Gateway gateway,
            String path,
            String method,
            String token,
            String ifMatch,
            Map<String, String> body)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(gateway.url + path)).timeout(TIMEOUT);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(toJson(body)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT);
    }

    private static HttpRequest.Builder form(Gateway gateway, String path, Map<String, String> fields) {
        String body = fields.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return get(gateway.url + path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String toJson(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\""
                        + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static String string(String json, String name) {
        Matcher m = Pattern.compile(JSON_STRING.pattern().formatted(name)).matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String challenge(String verifier) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
