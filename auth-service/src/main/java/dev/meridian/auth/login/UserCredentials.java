package dev.meridian.auth.login;

import java.util.List;
import java.util.UUID;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * user-service's credentials check, found through discovery ({@code user-service}), called with a service token
 * ({@link ServiceTokenInterceptor}). It answers the same for an unknown email and a wrong password, and 429 while an
 * email, or the address the attempts come from, is locked after failed attempts.
 */
@FeignClient(name = "user-service", contextId = "userCredentials", configuration = ServiceTokenInterceptor.class)
interface UserCredentials {

    @PostMapping("/internal/credentials/verify")
    Verdict verify(@RequestBody Check check);

    /**
     * {@code address} is the signing-in client's IP as this server saw it (behind the gateway, the client's own:
     * Tomcat takes it from the {@code X-Forwarded-For} the gateway rebuilds); {@code null} when unknown.
     */
    record Check(String email, String password, String address) {

        @Override
        public String toString() {
            return "Check[email=" + email + ", address=" + address + "]";
        }
    }

    /**
     * {@code verified} is false for a wrong password, an unknown email and a deactivated account alike;
     * {@code emailVerified} (issue 18) is null from a user-service that does not say yet.
     */
    record Verdict(boolean verified, UUID userId, List<String> roles, String status, Boolean emailVerified) {}
}
