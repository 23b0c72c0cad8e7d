package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.meridian.testkit.PostgresServer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.json.JsonContent;

@TestPropertySource(
        properties = {
            "meridian.users.first-admin.email=root@example.com",
            "meridian.users.first-admin.password=the first admin's password"
        })
class FirstAdministratorIT extends RunningUserService {

    private static final String AUTH_SERVICE = AccessTokens.service("auth-service", "users.credentials.verify");

    @Autowired
    Environment environment;

    @Test
    void anEmptyPlatformStartsWithTheConfiguredAdministratorWhoCanSignIn() {
        var verdict = api.post("/internal/credentials/verify", AUTH_SERVICE, """
                {"email": "root@example.com", "password": "the first admin's password"}""");

        assertThat(new JsonContent(verdict.body()))
                .extractingPath("$.verified")
                .asBoolean()
                .isTrue();
        assertThat(new JsonContent(verdict.body()))
                .extractingPath("$.roles")
                .asArray()
                .containsExactly("ADMIN");
        String id = JsonPath.read(verdict.body(), "$.userId");
        var accounts = api.get("/api/users", AccessTokens.admin(UUID.fromString(id)));
        assertThat(new JsonContent(accounts.body()))
                .extractingPath("$.content[*].email")
                .asArray()
                .as("created once, as an ordinary account")
                .containsExactly("root@example.com");
    }

    @Test
    void anotherInstanceOnTheSameDatabaseStartsAndCreatesNoSecondAdministratorWhateverEmailItIsGiven() {
        String database = environment.getProperty("spring.datasource.url");
        // The same settings (a restart, a second replica), then a changed email (an operator's edit of the secret):
        // an administrator exists, so neither creates one, and neither fails to start.
        for (String email : List.of("root@example.com", "another-root@example.com")) {
            try (var instance = startInstance(database, email)) {
                assertThat(administrators(instance.getBean(JdbcClient.class)))
                        .as("after an instance with first-admin %s started", email)
                        .containsExactly("root@example.com");
            }
        }
    }

    @Test
    void twoInstancesStartingTogetherOnAnEmptyDatabaseCreateOneAdministrator() throws Exception {
        String database = PostgresServer.shared().createIsolatedDatabase("first-admin-race");
        var ready = new CountDownLatch(2);
        List<CompletableFuture<ConfigurableApplicationContext>> starting = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < 2; i++) {
                starting.add(CompletableFuture.supplyAsync(
                        () -> {
                            ready.countDown();
                            awaitQuietly(ready);
                            return startInstance(database, "root@example.com");
                        },
                        threads));
            }
            List<ConfigurableApplicationContext> instances = new ArrayList<>();
            try {
                for (var instance : starting) {
                    instances.add(instance.join());
                }
                assertThat(administrators(instances.getFirst().getBean(JdbcClient.class)))
                        .as("both instances started and one administrator exists")
                        .containsExactly("root@example.com");
            } finally {
                instances.forEach(ConfigurableApplicationContext::close);
                // One that failed to start left nothing running; one still starting is closed here when it has.
                starting.forEach(instance -> instance.thenAccept(ConfigurableApplicationContext::close));
            }
        }
    }

    private static List<String> administrators(JdbcClient jdbc) {
        return jdbc.sql("select email from users where role = 'ADMIN'")
                .query(String.class)
                .list();
    }

    /** An instance of user-service on {@code database}, configured as an operator would, with the test's servers. */
    private ConfigurableApplicationContext startInstance(String database, String firstAdmin) {
        var instance = new SpringApplicationBuilder(UserApplication.class);
        // The test JVM's logging is set up already; two instances starting at once would both reinitialise it, and
        // logback's shared context does not take that concurrently ("Unable to find Spring Environment").
        instance.application()
                .setListeners(instance.application().getListeners().stream()
                        .filter(listener -> !(listener instanceof LoggingApplicationListener))
                        .toList());
        return instance.run(
                "--server.port=0",
                "--eureka.client.enabled=false",
                "--spring.datasource.url=" + database,
                argument("spring.datasource.username"),
                argument("spring.datasource.password"),
                argument("spring.data.redis.url"),
                argument("spring.kafka.bootstrap-servers"),
                argument("meridian.security.jwt.issuer"),
                argument("meridian.security.jwt.audience"),
                argument("meridian.security.jwt.jwk-set-uri"),
                "--meridian.users.first-admin.email=" + firstAdmin,
                argument("meridian.users.first-admin.password"));
    }

    private String argument(String property) {
        return "--" + property + "=" + environment.getProperty(property, "");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
