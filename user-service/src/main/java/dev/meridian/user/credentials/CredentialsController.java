package dev.meridian.user.credentials;

import dev.meridian.user.account.AccountStatus;
import dev.meridian.user.account.EmailAddress;
import dev.meridian.user.account.User;
import dev.meridian.user.account.UserRepository;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The credentials check behind login, for auth-service only: it needs a service token with the
 * {@code users.credentials.verify} scope, and the gateway never routes {@code /internal/**}. Whether or not the
 * email exists, a check costs one password hash comparison, so timing does not tell accounts apart.
 */
@RestController
@Hidden
class CredentialsController {

    private final UserRepository users;
    private final PasswordEncoder passwords;
    private final LoginThrottle throttle;
    /** Compared against when there is no account, so an unknown email takes as long as a wrong password. */
    private final String decoyHash;

    CredentialsController(UserRepository users, PasswordEncoder passwords, LoginThrottle throttle) {
        this.users = users;
        this.passwords = passwords;
        this.throttle = throttle;
        this.decoyHash = passwords.encode(UUID.randomUUID().toString());
    }

    record CredentialsCheck(
            @NotBlank @Size(max = 320) String email,
            @NotBlank @Size(max = 128) String password) {

        @Override
        public String toString() {
            return "CredentialsCheck[email=" + email + "]";
        }
    }

    record Verdict(boolean verified, UUID userId, List<String> roles, AccountStatus status) {

        static final Verdict REJECTED = new Verdict(false, null, null, null);
    }

    @PostMapping("/internal/credentials/verify")
    ResponseEntity<?> verify(@Valid @RequestBody CredentialsCheck check) {
        EmailAddress email = new EmailAddress(check.email());
        Optional<Duration> locked = throttle.lockedFor(email);
        if (locked.isPresent()) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                    HttpStatus.TOO_MANY_REQUESTS, "Too many failed sign-ins for this email; try again later");
            problem.setTitle("Sign-in locked");
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header(
                            HttpHeaders.RETRY_AFTER,
                            String.valueOf(Math.max(1, locked.get().toSeconds())))
                    .body(problem);
        }
        Optional<User> user = users.findByEmail(email.value());
        boolean matches =
                passwords.matches(check.password(), user.map(User::passwordHash).orElse(decoyHash));
        if (!matches || user.isEmpty()) {
            throttle.failed(email);
            return ResponseEntity.ok(Verdict.REJECTED);
        }
        throttle.succeeded(email);
        User account = user.get();
        return ResponseEntity.ok(new Verdict(
                account.isActive(), account.id(), List.of(account.role().name()), account.status()));
    }
}
