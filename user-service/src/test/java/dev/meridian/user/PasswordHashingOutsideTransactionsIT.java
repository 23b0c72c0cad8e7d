package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;

import dev.meridian.events.PasswordResetRequested;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * An Argon2id hash is ~100 ms of CPU, seconds on a saturated machine: made inside a transaction it would hold one of
 * the pool's ten connections all that time, and ten concurrent sign-ups would make every read wait for the pool. The
 * real encoder runs; the spy only notes whether a transaction (and so a connection) was held when it was asked.
 */
class PasswordHashingOutsideTransactionsIT extends RunningUserService {

    private static final String PASSWORD = "correct horse battery";

    @MockitoSpyBean
    PasswordEncoder passwords;

    private final List<Boolean> hashedInATransaction = new CopyOnWriteArrayList<>();

    @BeforeEach
    void noteTransactions() {
        doAnswer(hashing -> {
                    hashedInATransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
                    return hashing.callRealMethod();
                })
                .when(passwords)
                .encode(any());
    }

    @Test
    void aSignUpHashesItsPasswordBeforeItsTransactionBegins() {
        var response = api.post("/api/users", null, """
                {"email": "%s", "name": "Ada", "password": "%s"}""".formatted(unique(), PASSWORD));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(hashedInATransaction).containsExactly(false);
    }

    @Test
    void aPasswordResetHashesTheNewPasswordBeforeItsTransactionBeginsAndStillUsesItsLinkOnce() {
        String email = unique();
        UUID id = signUpVerified(email, "Grace", PASSWORD);
        api.post("/api/users/password-reset", null, "{\"email\": \"" + email + "\"}");
        String token = token(mailLink(requestId(id, PasswordResetRequested.TYPE, "requestId")));
        hashedInATransaction.clear();

        var reset = confirm(token, "a new horse battery staple");
        var again = confirm(token, "another horse battery staple");

        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(204);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(400);
        assertThat(again.body()).contains("/problems/invalid-link");
        // The second confirmation found the link used before it hashed anything.
        assertThat(hashedInATransaction).containsExactly(false);
    }

    private HttpResponse<String> confirm(String token, String password) {
        return api.post(
                "/api/users/password-reset/confirm",
                null,
                "{\"token\": \"" + token + "\", \"password\": \"" + password + "\"}");
    }

    private static String unique() {
        return "hash-" + UUID.randomUUID() + "@example.com";
    }
}
