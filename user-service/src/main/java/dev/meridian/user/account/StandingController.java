package dev.meridian.user.account;

import dev.meridian.user.account.AccountProblems.AccountNotFound;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Whether an account may still hold tokens, for auth-service's refresh grant (contract C2): a service token with
 * scope {@code users.credentials.verify}; never routed by the gateway. Read through the {@code users} cache, which
 * every change of status evicts on every instance.
 */
@RestController
@Hidden
class StandingController {

    private final UserAccounts accounts;

    StandingController(UserAccounts accounts) {
        this.accounts = accounts;
    }

    record Standing(UUID userId, AccountStatus status, List<String> roles, boolean emailVerified) {}

    @GetMapping("/internal/users/{id}/standing")
    Standing standing(@PathVariable UUID id) {
        return accounts.find(id)
                .map(user -> new Standing(
                        user.id(), user.status(), List.of(user.role().name()), user.emailVerified()))
                .orElseThrow(() -> new AccountNotFound(id));
    }
}
