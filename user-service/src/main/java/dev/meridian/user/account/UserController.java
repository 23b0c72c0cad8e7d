package dev.meridian.user.account;

import dev.meridian.user.account.AccountProblems.AccountNotFound;
import dev.meridian.user.account.AccountProblems.NotAllowed;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.web.PageableDefault;
import org.springframework.data.web.PagedModel;
import org.springframework.http.ETag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
@RequestMapping("/api/users")
@Tag(name = "Users", description = "Accounts: sign-up, profile, activation")
class UserController {

    /** Sorting is offered on indexed columns only, so a list never turns into a full scan and sort. */
    private static final Set<String> SORTABLE = Set.of("createdAt", "email");

    private final UserAccounts accounts;

    UserController(UserAccounts accounts) {
        this.accounts = accounts;
    }

    /** What an anonymous sign-up is told, whether or not the address was registered already. */
    record SignUpAccepted(String status) {

        static final SignUpAccepted PENDING = new SignUpAccepted("verification-pending");
    }

    @PostMapping
    @Operation(
            summary = "Sign up (public), or create an account of any role (administrators)",
            description = "Anonymous: 202 {\"status\": \"verification-pending\"} for a new and a registered address"
                    + " alike (unless meridian.sign-up.reveal-existing-email); administrators: 201 with the account,"
                    + " 409 when the address is taken")
    ResponseEntity<?> create(@Valid @RequestBody SignUp request, Caller caller) {
        var created = accounts.register(request, caller);
        if (!accounts.reveals(caller) || created.isEmpty()) {
            return ResponseEntity.accepted().body(SignUpAccepted.PENDING);
        }
        return ResponseEntity.created(URI.create("/api/users/" + created.get().id()))
                .eTag(etag(created.get()))
                .body(created.get());
    }

    @GetMapping("/me")
    @Operation(summary = "The signed-in user's own account")
    ResponseEntity<UserView> me(Caller caller) {
        if (caller.userId() == null) {
            throw new NotAllowed("Only a user's token has an account");
        }
        return get(caller.userId(), caller);
    }

    @GetMapping("/{id}")
    @Operation(summary = "One account (its owner or an administrator)")
    ResponseEntity<UserView> get(@PathVariable UUID id, Caller caller) {
        UserView user =
                accounts.find(id).filter(u -> caller.mayAccess(u.id())).orElseThrow(() -> new AccountNotFound(id));
        return ResponseEntity.ok().eTag(etag(user)).body(user);
    }

    @GetMapping
    @Operation(summary = "All accounts, paged and sorted by createdAt or email (administrators)")
    PagedModel<UserView> list(@PageableDefault(size = 20, sort = "createdAt") Pageable page, Caller caller) {
        if (!caller.admin()) {
            throw new NotAllowed("Only an administrator may list accounts");
        }
        for (Sort.Order order : page.getSort()) {
            if (!SORTABLE.contains(order.getProperty())) {
                throw new ResponseStatusException(
                        HttpStatus.BAD_REQUEST, "Cannot sort by " + order.getProperty() + "; sortable: " + SORTABLE);
            }
        }
        return new PagedModel<>(accounts.list(page));
    }

    @PatchMapping("/{id}")
    @Operation(
            summary = "Change name or password (its owner or an administrator); needs If-Match",
            description = "Changing the password: only the owner, with currentPassword (400 without it, 403 when"
                    + " wrong, 429 after repeated wrong ones). The email: 400, use POST /api/users/me/email-change."
                    + " The owner of an unverified account: 403 (email-not-verified)")
    ResponseEntity<UserView> change(
            @PathVariable UUID id,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody AccountChanges changes,
            Caller caller) {
        if (ifMatch == null) {
            throw new ResponseStatusException(
                    HttpStatus.PRECONDITION_REQUIRED, "Send If-Match with the ETag of the account you read");
        }
        UserView changed = accounts.change(id, version(ifMatch), changes, caller);
        return ResponseEntity.ok().eTag(etag(changed)).body(changed);
    }

    @PostMapping("/{id}/deactivate")
    @Operation(summary = "Deactivate an account (its owner or an administrator)")
    ResponseEntity<UserView> deactivate(@PathVariable UUID id, Caller caller) {
        UserView user = accounts.deactivate(id, caller);
        return ResponseEntity.ok().eTag(etag(user)).body(user);
    }

    @PostMapping("/{id}/activate")
    @Operation(summary = "Activate a deactivated account (administrators)")
    ResponseEntity<UserView> activate(@PathVariable UUID id, Caller caller) {
        UserView user = accounts.activate(id, caller);
        return ResponseEntity.ok().eTag(etag(user)).body(user);
    }

    @DeleteMapping("/me")
    @Operation(
            summary = "Delete the signed-in user's account, with {\"currentPassword\"}",
            description = "204; 400 without currentPassword, 403 when it is wrong, 429 after repeated wrong ones;"
                    + " 404 once deleted. The address may sign up again as a new account")
    ResponseEntity<Void> deleteMe(@RequestBody(required = false) AccountDeletion request, Caller caller) {
        if (caller.userId() == null) {
            throw new NotAllowed("Only a user's token has an account");
        }
        return delete(caller.userId(), request, caller);
    }

    @DeleteMapping("/{id}")
    @Operation(
            summary = "Delete an account (an administrator; or its owner, with {\"currentPassword\"})",
            description = "204; 404 for anyone else's account and once deleted; 409 (last-administrator) for the"
                    + " last active administrator")
    ResponseEntity<Void> delete(
            @PathVariable UUID id, @RequestBody(required = false) AccountDeletion request, Caller caller) {
        accounts.delete(id, request, caller);
        return ResponseEntity.noContent().build();
    }

    private static String etag(UserView user) {
        return ETag.create(String.valueOf(user.version())).formattedTag();
    }

    private static long version(String ifMatch) {
        try {
            return Long.parseLong(ETag.create(ifMatch.strip()).tag());
        } catch (NumberFormatException e) {
            throw new ResponseStatusException(
                    HttpStatus.PRECONDITION_FAILED, "If-Match does not name a version of this account: " + ifMatch);
        }
    }
}
