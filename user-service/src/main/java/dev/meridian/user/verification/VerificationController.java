package dev.meridian.user.verification;

import dev.meridian.user.account.AccountProblems.NotAllowed;
import dev.meridian.user.account.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Email verification", description = "Proving an account's address with the mailed link or code")
class VerificationController {

    private final EmailVerifications verifications;

    VerificationController(EmailVerifications verifications) {
        this.verifications = verifications;
    }

    /** Either the link's {@code token}, or the {@code email} with the {@code code} typed from the mail. */
    record EmailVerification(
            @Size(max = 100) String token,
            @Size(max = 320) String email,
            @Size(max = 10) String code) {

        @Override
        public String toString() {
            return "EmailVerification[email=" + email + "]";
        }
    }

    record Accepted(String status) {}

    @PostMapping("/api/users/email-verification")
    @Operation(
            summary = "Verify an address with the mailed link's token, or with the address and the mailed code",
            description = "204; 400 (type …/problems/invalid-link) for any unknown, expired, used or wrong token or"
                    + " code — after 5 wrong codes the request is dead")
    ResponseEntity<Void> verify(@Valid @RequestBody EmailVerification verification) {
        if (verification.token() != null) {
            verifications.verifyByToken(verification.token());
        } else {
            verifications.verifyByCode(verification.email(), verification.code());
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/users/me/email-verification")
    @Operation(
            summary = "Mail the signed-in user another verification link and code",
            description = "202; 409 when the address is verified; 429 + Retry-After when asked too often")
    ResponseEntity<Accepted> resend(Caller caller) {
        if (caller.userId() == null) {
            throw new NotAllowed("Only a user's token has an account");
        }
        verifications.resend(caller.userId());
        return ResponseEntity.accepted().body(new Accepted("verification-requested"));
    }
}
