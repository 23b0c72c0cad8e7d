package dev.meridian.user.reset;

import dev.meridian.user.password.PasswordRules;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Password reset", description = "Forgot password: a mailed, single-use, expiring link")
class PasswordResetController {

    private final PasswordResets resets;

    PasswordResetController(PasswordResets resets) {
        this.resets = resets;
    }

    record ResetRequest(@NotBlank @Email @Size(max = 320) String email) {}

    record NewPassword(
            @NotBlank @Size(max = 100) String token,
            @NotNull @PasswordRules String password) {

        @Override
        public String toString() {
            return "NewPassword[token=***, password=***]";
        }
    }

    record Accepted(String status) {

        static final Accepted REQUESTED = new Accepted("reset-requested");
    }

    @PostMapping("/api/users/password-reset")
    @Operation(
            summary = "Mail a password-reset link to the address, if an active account has it",
            description = "Always 202 {\"status\": \"reset-requested\"}, whether or not the address is registered")
    ResponseEntity<Accepted> request(@Valid @RequestBody ResetRequest request) {
        resets.request(request.email());
        return ResponseEntity.accepted().body(Accepted.REQUESTED);
    }

    @PostMapping("/api/users/password-reset/confirm")
    @Operation(
            summary = "Set a new password with the mailed link's token",
            description = "204; 400 (type …/problems/invalid-link) for an unknown, expired or used token; 400 naming"
                    + " the password rule it breaks, the link still working")
    ResponseEntity<Void> reset(@Valid @RequestBody NewPassword request) {
        resets.reset(request.token(), request.password());
        return ResponseEntity.noContent().build();
    }
}
