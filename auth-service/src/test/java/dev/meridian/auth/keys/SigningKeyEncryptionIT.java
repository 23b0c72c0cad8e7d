package dev.meridian.auth.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.meridian.auth.AuthApplication;
import dev.meridian.testkit.KafkaBroker;
import dev.meridian.testkit.PostgresServer;
import dev.meridian.testkit.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.crypto.encrypt.Encryptors;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import tools.jackson.databind.json.JsonMapper;

/**
 * How auth-service stores its private signing keys (contract C5), tested by starting it against a real PostgreSQL
 * database: AES-256-GCM under {@code meridian.auth.keys.encryption-key}, keys stored the former way (a key derived
 * from a password with 1,024 PBKDF2 rounds) re-encrypted at start-up, and every misconfiguration a start-up failure
 * that names what to set.
 */
class SigningKeyEncryptionIT {

    private static final String KEY = "3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGho=";
    private static final String OTHER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String FORMER_PASSWORD = "the-former-password";
    private static final String FORMER_SALT = "0123456789abcdef";
    private static final String SECRET = "a-long-service-secret";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void refusesToStartWithoutAnEncryptionKey() {
        String database = newDatabase();

        assertThatThrownBy(() -> start(database, "--meridian.auth.keys.encryption-key="))
                .satisfies(failure -> assertThat(messages(failure))
                        .contains("meridian.auth.keys")
                        .contains("MERIDIAN_AUTH_KEYS_ENCRYPTION_KEY")
                        .contains("openssl rand -base64 32"));
    }

    @Test
    void refusesAnEncryptionKeyThatIsNot256Bits() {
        String database = newDatabase();
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> start(database, "--meridian.auth.keys.encryption-key=" + shortKey))
                .satisfies(failure -> assertThat(messages(failure)).contains("MERIDIAN_AUTH_KEYS_ENCRYPTION_KEY"));
    }

    @Test
    void storesKeysEncryptedUnderTheKeyAndSignsWithThemAfterARestart() throws Exception {
        String database = newDatabase();
        String kid;
        try (var auth = start(database, "--meridian.auth.keys.encryption-key=" + KEY)) {
            kid = token(auth).getHeaders().get("kid").toString();
        }
        String stored = storedKey(database, kid);
        assertThat(stored).startsWith(KeyCipher.FORMAT).doesNotContain("\"d\"");
        assertThat(RSAKey.parse(new KeyCipher(Base64.getDecoder().decode(KEY)).decrypt(kid, stored))
                        .isPrivate())
                .isTrue();

        try (var auth = start(database, "--meridian.auth.keys.encryption-key=" + KEY)) {
            assertThat(token(auth).getHeaders().get("kid")).isEqualTo(kid);
        }
    }

    @Test
    void aWrongEncryptionKeyStopsTheStartWithAClearMessage() {
        String database = newDatabase();
        try (var auth = start(database, "--meridian.auth.keys.encryption-key=" + KEY)) {
            token(auth);
        }

        assertThatThrownBy(() -> start(database, "--meridian.auth.keys.encryption-key=" + OTHER_KEY))
                .satisfies(failure -> assertThat(messages(failure))
                        .contains("cannot be decrypted with meridian.auth.keys.encryption-key")
                        .contains("MERIDIAN_AUTH_KEYS_ENCRYPTION_KEY"));
    }

    @Test
    void keysStoredTheFormerWayAreReEncryptedAtStartAndStillSign() throws Exception {
        String database = newDatabase();
        createSchema(database);
        RSAKey former = insertFormerKey(database);

        try (var auth = start(
                database,
                "--meridian.auth.keys.encryption-key=" + KEY,
                "--meridian.auth.keys.encryption-password=" + FORMER_PASSWORD,
                "--meridian.auth.keys.encryption-salt=" + FORMER_SALT)) {
            String stored = storedKey(database, former.getKeyID());
            assertThat(stored).startsWith(KeyCipher.FORMAT);
            assertThat(new KeyCipher(Base64.getDecoder().decode(KEY)).decrypt(former.getKeyID(), stored))
                    .isEqualTo(former.toJSONString());
            Jwt token = token(auth);
            assertThat(token.getHeaders().get("kid")).isEqualTo(former.getKeyID());
        }
        // Once re-encrypted, the former settings are no longer needed.
        try (var auth = start(database, "--meridian.auth.keys.encryption-key=" + KEY)) {
            assertThat(token(auth).getHeaders().get("kid")).isEqualTo(former.getKeyID());
        }
    }

    @Test
    void keysStoredTheFormerWayWithoutTheFormerSettingsStopTheStartNamingThem() throws Exception {
        String database = newDatabase();
        createSchema(database);
        RSAKey former = insertFormerKey(database);

        assertThatThrownBy(() -> start(database, "--meridian.auth.keys.encryption-key=" + KEY))
                .satisfies(failure -> assertThat(messages(failure))
                        .contains("MERIDIAN_AUTH_KEYS_ENCRYPTION_PASSWORD")
                        .contains("MERIDIAN_AUTH_KEYS_ENCRYPTION_SALT"));
        assertThat(KeyCipher.isCurrentFormat(storedKey(database, former.getKeyID())))
                .as("left as it was")
                .isFalse();
    }

    @Test
    void keysStoredTheFormerWayWithAWrongFormerPasswordStopTheStart() throws Exception {
        String database = newDatabase();
        createSchema(database);
        insertFormerKey(database);

        assertThatThrownBy(() -> start(
                        database,
                        "--meridian.auth.keys.encryption-key=" + KEY,
                        "--meridian.auth.keys.encryption-password=not-the-former-password",
                        "--meridian.auth.keys.encryption-salt=" + FORMER_SALT))
                .satisfies(failure -> assertThat(messages(failure)).contains("MERIDIAN_AUTH_KEYS_ENCRYPTION_PASSWORD"));
    }

    @Test
    void theDevProfileBringsItsOwnKeyForLocalRuns() throws Exception {
        String database = newDatabase();
        // Only the application's own configuration: not the tests' key from classpath:/config/application.yml.
        try (var auth = start(
                database, "--spring.profiles.active=dev", "--spring.config.location=classpath:/application.yml")) {
            String devKey = auth.getEnvironment().getProperty("meridian.auth.keys.encryption-key");
            assertThat(devKey).isNotBlank().isNotEqualTo(KEY);
            auth.getBean(SigningKeys.class).rotate();
            String kid = newestKid(database);
            assertThat(new KeyCipher(Base64.getDecoder().decode(devKey)).decrypt(kid, storedKey(database, kid)))
                    .contains("\"d\"");
        }
    }

    private static String newDatabase() {
        return PostgresServer.shared().createIsolatedDatabase("auth-keys-it");
    }

    /** Flyway's tables, by starting once (no signing key is made until one is needed). */
    private static void createSchema(String database) {
        start(database, "--meridian.auth.keys.encryption-key=" + KEY).close();
    }

    private static RSAKey insertFormerKey(String database) throws Exception {
        RSAKey key = new RSAKeyGenerator(2048)
                .keyID("former-" + Instant.now().toEpochMilli())
                .keyUse(KeyUse.SIGNATURE)
                .generate();
        String encrypted = Encryptors.delux(FORMER_PASSWORD, FORMER_SALT).encrypt(key.toJSONString());
        try (Connection db = connect(database);
                var insert = db.prepareStatement(
                        "insert into signing_key (kid, encrypted_jwk, created_at) values (?, ?, ?)")) {
            insert.setString(1, key.getKeyID());
            insert.setString(2, encrypted);
            insert.setTimestamp(3, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
        return key;
    }

    private static String newestKid(String database) throws Exception {
        try (Connection db = connect(database);
                var select = db.prepareStatement("select kid from signing_key order by created_at desc limit 1")) {
            var row = select.executeQuery();
            assertThat(row.next()).isTrue();
            return row.getString(1);
        }
    }

    private static String storedKey(String database, String kid) throws Exception {
        try (Connection db = connect(database);
                var select = db.prepareStatement("select encrypted_jwk from signing_key where kid = ?")) {
            select.setString(1, kid);
            var row = select.executeQuery();
            assertThat(row.next()).as("signing key %s stored", kid).isTrue();
            return row.getString(1);
        }
    }

    private static Connection connect(String url) throws Exception {
        return PostgresServer.shared().connect(url.substring(url.lastIndexOf('/') + 1));
    }

    private static ConfigurableApplicationContext start(String database, String... settings) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--eureka.client.enabled=false",
                "--meridian.auth.issuer=http://gateway.test:8080",
                "--spring.datasource.url=" + database,
                "--spring.datasource.username=" + PostgresServer.shared().username(),
                "--spring.datasource.password=" + PostgresServer.shared().password(),
                "--spring.data.redis.url=" + RedisServer.shared().url(),
                "--spring.kafka.bootstrap-servers=" + KafkaBroker.shared().bootstrapServers(),
                "--spring.kafka.consumer.group-id=auth-service-keys-it",
                "--meridian.auth.clients[0].client-id=keys-it",
                "--meridian.auth.clients[0].secret=" + SECRET,
                "--meridian.auth.clients[0].grant-types=client_credentials",
                "--meridian.auth.clients[0].scopes=users.read",
                "--meridian.auth.clients[0].audiences=user-service"));
        args.addAll(List.of(settings));
        return new SpringApplicationBuilder(AuthApplication.class).run(args.toArray(String[]::new));
    }

    /** A client-credentials token from the running server, verified against its JWKS. */
    private static Jwt token(ConfigurableApplicationContext auth) {
        String base = "http://127.0.0.1:" + auth.getEnvironment().getProperty("local.server.port");
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                                    .header(
                                            "Authorization",
                                            "Basic "
                                                    + Base64.getEncoder()
                                                            .encodeToString(("keys-it:" + SECRET)
                                                                    .getBytes(StandardCharsets.UTF_8)))
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "grant_type=client_credentials&scope=users.read"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            // Access tokens are typed at+jwt (RFC 9068); Spring's default validators take only JWT.
            NimbusJwtDecoder decoder =
                    NimbusJwtDecoder.withJwkSetUri(base + "/oauth2/jwks").build();
            decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(new JwtTypeValidator("at+jwt")));
            return decoder.decode(
                    JSON.readTree(response.body()).get("access_token").asString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every message in the failure's cause chain, as the start-up log shows them. */
    private static String messages(Throwable failure) {
        return Stream.iterate(failure, cause -> cause != null, Throwable::getCause)
                .map(cause -> cause.getClass().getSimpleName() + ": " + cause.getMessage())
                .reduce("", (all, next) -> all + "\n" + next);
    }
}
