package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.json.JsonContent;
import tools.jackson.databind.json.JsonMapper;

/** The password rules through the API: sign-up, password change and the credentials check. */
class PasswordPolicyIT extends RunningUserService {

    private static final String AUTH_SERVICE = AccessTokens.service("auth-service", "users.credentials.verify");
    private static final String LOCK = "🔐";
    private static final String HUNDRED_BYTES =
            "a quite long passphrase ".repeat(5).substring(0, 100);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aHundredByteAsciiPasswordSignsUpAndSignsInInsteadOfA500() {
        assertThat(HUNDRED_BYTES.getBytes(StandardCharsets.UTF_8)).hasSize(100);
        String email = unique();

        assertThat(signUp(email, HUNDRED_BYTES).statusCode()).isEqualTo(202);
        assertThat(verified(verify(email, HUNDRED_BYTES))).isTrue();
        // Every byte counts: bcrypt would have ignored everything after the 72nd.
        assertThat(verified(verify(email, HUNDRED_BYTES.substring(0, 72)))).isFalse();
        assertThat(verified(verify(email, HUNDRED_BYTES.substring(0, 99) + "!")))
                .isFalse();
    }

    @Test
    void twelveEmojiAreTwelveCharactersAndSixAreTooFewThoughTheyAreTwelveUtf16Chars() {
        String email = unique();

        var six = signUp(unique(), LOCK.repeat(6));
        assertThat(six.statusCode()).isEqualTo(400);
        assertThat(six.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonContent(six.body()))
                .extractingPath("$.errors[*].field")
                .asArray()
                .containsExactly("password");
        assertThat(new JsonContent(six.body()))
                .extractingPath("$.errors[0].message")
                .asString()
                .contains("at least 12");

        assertThat(signUp(email, LOCK.repeat(12)).statusCode()).isEqualTo(202);
        assertThat(verified(verify(email, LOCK.repeat(12)))).isTrue();
    }

    @Test
    void refuses129CodePointsAndACommonPasswordNamingTheFieldAndTheRule() {
        var tooLong = signUp(unique(), "é".repeat(129));
        var common = signUp(unique(), "1QAZ2WSX3EDC");

        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(new JsonContent(tooLong.body()))
                .extractingPath("$.errors[0].field")
                .asString()
                .isEqualTo("password");
        assertThat(new JsonContent(tooLong.body()))
                .extractingPath("$.errors[0].message")
                .asString()
                .contains("at most 128");
        assertThat(common.statusCode()).isEqualTo(400);
        assertThat(new JsonContent(common.body()))
                .extractingPath("$.errors[0].field")
                .asString()
                .isEqualTo("password");
        assertThat(new JsonContent(common.body()))
                .extractingPath("$.errors[0].message")
                .asString()
                .contains("common");
        assertThat(common.body()).doesNotContain("1QAZ2WSX3EDC");
    }

    @Test
    void aPasswordChangeFollowsTheSameRules() {
        String email = unique();
        String password = "correct horse battery";
        UUID id = signUpVerified(email, "Ada", password);
        String token = AccessTokens.user(id);

        for (String weak : List.of(LOCK.repeat(6), "é".repeat(129), "Administrator")) {
            var refused = change(id, token, 1, weak, password);
            assertThat(refused.statusCode()).as(weak).isEqualTo(400);
            assertThat(new JsonContent(refused.body()))
                    .extractingPath("$.errors[0].field")
                    .asString()
                    .isEqualTo("password");
        }
        // Version 1: the account as verification left it.
        assertThat(change(id, token, 1, HUNDRED_BYTES, password).statusCode()).isEqualTo(200);
        assertThat(change(id, token, 2, LOCK.repeat(12), HUNDRED_BYTES).statusCode())
                .isEqualTo(200);
        assertThat(verified(verify(email, LOCK.repeat(12)))).isTrue();
        assertThat(verified(verify(email, HUNDRED_BYTES))).isFalse();
    }

    @Test
    void theCredentialsCheckAnswersAnOverlongPasswordAsNotVerifiedNeverA500() {
        String email = unique();
        signUp(email, "correct horse battery");

        var overlong = verify(email, LOCK.repeat(200));
        var overlongUnknown = verify(unique(), "x".repeat(200));

        assertThat(overlong.statusCode()).isEqualTo(200);
        assertThat(verified(overlong)).isFalse();
        assertThat(overlongUnknown.statusCode()).isEqualTo(200);
        assertThat(verified(overlongUnknown)).isFalse();
    }

    @Test
    void composedAndDecomposedFormsOfThePasswordAreTheSamePassword() {
        String composed = "Crème brûlée à la française";
        String decomposed = Normalizer.normalize(composed, Normalizer.Form.NFD);
        assertThat(decomposed).isNotEqualTo(composed);
        String email = unique();

        assertThat(signUp(email, decomposed).statusCode()).isEqualTo(202);

        assertThat(verified(verify(email, composed))).isTrue();
        assertThat(verified(verify(email, decomposed))).isTrue();
    }

    @Test
    void anOldBcryptHashIsReplacedByArgon2AtTheNextSignIn() {
        String email = unique();
        UUID id = signUpVerified(email, "Ada", "correct horse battery");
        jdbc.update(
                "update users set password_hash = ? where id = ?",
                "{bcrypt}" + new BCryptPasswordEncoder().encode("correct horse battery"),
                id);
        long version = jdbc.queryForObject("select version from users where id = ?", Long.class, id);

        assertThat(verified(verify(email, "correct horse battery"))).isTrue();

        assertThat(storedHash(id)).startsWith("{argon2}$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(verified(verify(email, "correct horse battery"))).isTrue();
        assertThat(verified(verify(email, "wrong horse battery"))).isFalse();
        // A re-hash is no change of the account: same version (ETag), no event.
        assertThat(jdbc.queryForObject("select version from users where id = ?", Long.class, id))
                .isEqualTo(version);
    }

    @Test
    void aWrongPasswordDoesNotUpgradeAnOldHash() {
        String email = unique();
        UUID id = signUpVerified(email, "Ada", "correct horse battery");
        String legacy = "{bcrypt}" + new BCryptPasswordEncoder().encode("correct horse battery");
        jdbc.update("update users set password_hash = ? where id = ?", legacy, id);

        assertThat(verified(verify(email, "correct horse battery!"))).isFalse();

        assertThat(storedHash(id)).isEqualTo(legacy);
    }

    private String storedHash(UUID id) {
        return jdbc.queryForObject("select password_hash from users where id = ?", String.class, id);
    }

    private HttpResponse<String> signUp(String email, String password) {
        return api.post("/api/users", null, JSON.writeValueAsString(new Body(email, "Ada", password)));
    }

    record Body(String email, String name, String password) {}

    record Check(String email, String password, String address) {}

    record Change(String password, String currentPassword) {}

    private HttpResponse<String> verify(String email, String password) {
        return api.post(
                "/internal/credentials/verify",
                AUTH_SERVICE,
                JSON.writeValueAsString(
                        new Check(email, password, "2001:db8::" + Integer.toHexString(email.hashCode() & 0xffff))));
    }

    private HttpResponse<String> change(UUID id, String token, long version, String password, String current) {
        return api.patch(
                "/api/users/" + id,
                token,
                "\"" + version + "\"",
                JSON.writeValueAsString(new Change(password, current)));
    }

    private static boolean verified(HttpResponse<String> verdict) {
        assertThat(verdict.statusCode()).isEqualTo(200);
        return JsonPath.read(verdict.body(), "$.verified");
    }

    private static String unique() {
        return "p" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }
}
