package dev.meridian.user.credentials;

import dev.meridian.user.account.AccountStatus;
import dev.meridian.user.account.EmailAddress;
import dev.meridian.user.account.User;
import dev.meridian.user.account.UserRepository;
import dev.meridian.user.account.VerificationSettings;
import dev.meridian.user.password.LoginThrottle;
import dev.meridian.user.password.PasswordPolicy;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The credentials check behind login, for auth-service only: it needs a service token with the
 * {@code users.credentials.verify} scope, and the gateway never routes {@code /internal/**}. Whether or not the
 * email exists, a check costs one password hash comparison with the same encoder, so timing does not tell accounts
 * apart. Failures are counted per email and the signing-in client's {@code address} ({@link LoginThrottle}); a
 * hash of an older scheme is re-hashed with the current one when its password proved right.
 */
@RestController
@Hidden
class CredentialsController {

    private final UserRepository users;
    private final PasswordEncoder passwords;
    private final LoginThrottle throttle;
    private final VerificationSettings verification;
    /** Compared against when there is no account, so an unknown email takes as long as a wrong password. */
    private final String decoyHash;

    CredentialsController(
            UserRepository users,
            PasswordEncoder passwords,
            LoginThrottle throttle,
            VerificationSettings verification) {
        this.users = users;
        this.passwords = passwords;
        this.throttle = throttle;
        this.verification = verification;
        this.decoyHash = passwords.encode(UUID.randomUUID().toString());
    }

    /** {@code address}: the client's IP as auth-service saw it; null from callers that predate it. */
    record CredentialsCheck(
            @NotBlank @Size(max = 320) String email,
            @NotEmpty String password,
            @Size(max = 64) String address) {

        @Override
        public String toString() {
            return "CredentialsCheck[email=" + email + ", address=" + address + "]";
        }
    }

    /**
     * {@code emailVerified}: whether the account's address is verified (for the {@code email_verified} claim); with
     * {@code meridian.verification.required-for-sign-in} an unverified account is not {@code verified}, like a
     * deactivated one — told only to a caller who knew the password.
     */
    record Verdict(boolean verified, UUID userId, List<String> roles, AccountStatus status, Boolean emailVerified) {

        static final Verdict REJECTED = new Verdict(false, null, null, null, null);
    }

    /** {@code 200} with the verdict, or {@code 429} (a problem with {@code Retry-After}) while locked. */
    @PostMapping("/internal/credentials/verify")
    Verdict verify(@Valid @RequestBody CredentialsCheck check) {
        EmailAddress email = new EmailAddress(check.email());
        throttle.admit(email.value(), check.address());
        Optional<User> user = users.findByEmail(email.value());
        // Longer than any password ever accepted: it is nobody's, and is not worth hashing.
        boolean matches = !PasswordPolicy.tooLong(check.password())
                && passwords.matches(
                        check.password(), user.map(User::passwordHash).orElse(decoyHash));
        if (!matches || user.isEmpty()) {
            throttle.failed(email.value(), check.address());
            return Verdict.REJECTED;
        }
        throttle.succeeded(email.value(), check.address());
        User account = user.get();
        if (passwords.upgradeEncoding(account.passwordHash())) {
            users.replacePasswordHash(account.id(), account.passwordHash(), passwords.encode(check.password()));
        }
        boolean mayUseAddress = account.emailVerified() || !verification.requiredForSignIn();
        return new Verdict(
                account.isActive() && mayUseAddress,
                account.id(),
                List.of(account.role().name()),
                account.status(),
                account.emailVerified());
    }
}
