package dev.meridian.user.emailchange;

import dev.meridian.user.account.AccountProblems.NotAllowed;
import dev.meridian.user.account.Caller;
import dev.meridian.user.account.EmailAddress;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Email change", description = "A new address applies once confirmed from a link mailed to it")
class EmailChangeController {

    private final EmailChanges changes;

    EmailChangeController(EmailChanges changes) {
        this.changes = changes;
    }

    record EmailChange(@NotBlank @Email @Size(max = 320) String email, String currentPassword) {

        @Override
        public String toString() {
            return "EmailChange[email=" + email + ", currentPassword=***]";
        }
    }

    record Link(@NotBlank @Size(max = 100) String token) {

        @Override
        public String toString() {
            return "Link[token=***]";
        }
    }

    record Accepted(String status) {}

    @PostMapping("/api/users/me/email-change")
    @Operation(
            summary = "Ask to change the signed-in user's address: a confirmation link goes to the new one",
            description = "202 (also when the address is taken: the confirmation then fails); 400 without"
                    + " currentPassword, 403 when it is wrong or the address is unverified, 423 while changes are"
                    + " locked, 429 after repeated wrong passwords")
    ResponseEntity<Accepted> request(@Valid @RequestBody EmailChange change, Caller caller) {
        if (caller.userId() == null) {
            throw new NotAllowed("Only a user's token has an account");
        }
        changes.request(caller.userId(), new EmailAddress(change.email()), change.currentPassword());
        return ResponseEntity.accepted().body(new Accepted("confirmation-sent"));
    }

    @PostMapping("/api/users/email-change/confirm")
    @Operation(
            summary = "Confirm a change of address with the link mailed to the new address",
            description = "204; 400 (type …/problems/invalid-link); 409 when the address was taken meanwhile")
    ResponseEntity<Void> confirm(@Valid @RequestBody Link link) {
        changes.confirm(link.token());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/users/email-change/cancel")
    @Operation(
            summary = "\"This wasn't me\": cancel a change of address from the notice sent to the former one",
            description = "204: the change dies (or is undone), email changes lock until a password reset or"
                    + " change, every session ends; 400 (type …/problems/invalid-link)")
    ResponseEntity<Void> cancel(@Valid @RequestBody Link link) {
        changes.cancel(link.token());
        return ResponseEntity.noContent().build();
    }
}
