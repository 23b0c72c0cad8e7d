package dev.meridian.auth.account;

import dev.meridian.auth.login.ServiceTokenInterceptor;
import java.util.UUID;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * user-service's deletion of an account by its owner, for the "delete account" page: the page's sign-in names the
 * user but holds no access token of theirs, so the call carries auth-service's service token (scope {@code
 * users.delete}) and the owner's current password, which user-service checks as for any deletion by the owner.
 */
@FeignClient(name = "user-service", contextId = "accountDeletion", configuration = ServiceTokenInterceptor.class)
interface AccountDeletion {

    /** 204; no password → 400; a wrong one → 403; throttled → 429; gone already → 404. */
    @PostMapping("/internal/users/{id}/deletion")
    void delete(@PathVariable UUID id, @RequestBody Reauthentication request);

    record Reauthentication(String currentPassword) {

        @Override
        public String toString() {
            return "Reauthentication[]";
        }
    }
}
