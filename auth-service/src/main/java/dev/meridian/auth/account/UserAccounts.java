package dev.meridian.auth.account;

import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * user-service's anonymous account endpoints the pages call (issue 18's contract), found through discovery
 * ({@code user-service}). They need no token: a person on these pages is not signed in, and the link's token or the
 * form is all the authority there is. Problems come back as {@code FeignException}s; {@link AccountCalls} reads them.
 */
@FeignClient(name = "user-service", contextId = "userAccounts")
interface UserAccounts {

    /** 202 {@code verification-pending} for a new and a registered address alike (201/409 when configured to reveal). */
    @PostMapping("/api/users")
    void signUp(@RequestBody SignUp signUp);

    /** 204; any bad, expired or used token or code → 400 {@code invalid-link}. */
    @PostMapping("/api/users/email-verification")
    void verify(@RequestBody Verification verification);

    /** Always 202, whatever the address. */
    @PostMapping("/api/users/password-reset")
    void requestReset(@RequestBody ResetRequest request);

    /** 204; bad token → 400 {@code invalid-link}; a password under the policy → its 400 (the token stays usable). */
    @PostMapping("/api/users/password-reset/confirm")
    void reset(@RequestBody Reset reset);

    /** 204; bad token → 400 {@code invalid-link}; the address taken meanwhile → 409. */
    @PostMapping("/api/users/email-change/confirm")
    void confirmEmailChange(@RequestBody LinkToken token);

    /** 204; bad token → 400 {@code invalid-link}. */
    @PostMapping("/api/users/email-change/cancel")
    void cancelEmailChange(@RequestBody LinkToken token);

    record SignUp(String email, String name, String password) {

        @Override
        public String toString() {
            return "SignUp[email=" + email + "]";
        }
    }

    /** Either {@code token} or {@code email} and {@code code} (the others null). */
    record Verification(String token, String email, String code) {

        @Override
        public String toString() {
            return "Verification[email=" + email + "]";
        }
    }

    record ResetRequest(String email) {}

    record Reset(String token, String password) {

        @Override
        public String toString() {
            return "Reset[]";
        }
    }

    record LinkToken(String token) {

        @Override
        public String toString() {
            return "LinkToken[]";
        }
    }
}
