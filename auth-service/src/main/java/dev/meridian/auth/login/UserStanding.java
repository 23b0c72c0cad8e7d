package dev.meridian.auth.login;

import java.util.List;
import java.util.UUID;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * user-service's word on a user now: whether the account is active and which roles it holds. Asked on every refresh
 * grant ({@link CurrentRoles}), with the same service token as the credentials check; 404 for an unknown user.
 */
@FeignClient(name = "user-service", contextId = "userStanding", configuration = ServiceTokenInterceptor.class)
interface UserStanding {

    @GetMapping("/internal/users/{id}/standing")
    Standing standing(@PathVariable("id") UUID id);

    record Standing(UUID userId, String status, List<String> roles) {

        static final String ACTIVE = "ACTIVE";

        boolean active() {
            return ACTIVE.equals(status);
        }
    }
}
