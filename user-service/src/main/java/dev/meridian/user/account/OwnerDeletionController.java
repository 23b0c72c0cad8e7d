package dev.meridian.user.account;

import io.swagger.v3.oas.annotations.Hidden;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The owner's deletion as auth-service's "delete account" page asks for it: the page's session knows the user, not an
 * access token of theirs, so it calls with its service token (scope {@code users.delete}); never routed by the
 * gateway. The owner's current password is still checked here, as for {@code DELETE /api/users/me} (same throttle),
 * so the service token alone deletes nobody.
 */
@RestController
@Hidden
class OwnerDeletionController {

    private final UserAccounts accounts;

    OwnerDeletionController(UserAccounts accounts) {
        this.accounts = accounts;
    }

    @PostMapping("/internal/users/{id}/deletion")
    ResponseEntity<Void> delete(@PathVariable UUID id, @RequestBody(required = false) AccountDeletion request) {
        accounts.delete(id, request, new Caller(id, false, null));
        return ResponseEntity.noContent().build();
    }
}
