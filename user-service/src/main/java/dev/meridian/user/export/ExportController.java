package dev.meridian.user.export;

import dev.meridian.user.account.AccountProblems.AccountNotFound;
import dev.meridian.user.account.AccountProblems.NotAllowed;
import dev.meridian.user.account.Caller;
import dev.meridian.user.account.UserAccounts;
import dev.meridian.user.account.UserView;
import dev.meridian.user.export.ExportProblems.PartUnavailable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/users/me/export}: everything Meridian holds about the signed-in user as one JSON document, a
 * download. Assembled from the services that own each part, with the user's own token, never by reading their
 * databases. All or nothing: a part that cannot be gathered is a {@code 503} problem, not a document without it.
 */
@RestController
class ExportController {

    private final UserAccounts accounts;
    private final ExportParts parts;
    private final ExportThrottle throttle;
    private final Clock clock;

    ExportController(UserAccounts accounts, ExportParts parts, ExportThrottle throttle, Clock clock) {
        this.accounts = accounts;
        this.parts = parts;
        this.throttle = throttle;
        this.clock = clock;
    }

    @GetMapping(value = "/api/users/me/export", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "All personal data of the signed-in user, from every service, as one JSON download")
    ResponseEntity<PersonalData> export(Caller caller, @Parameter(hidden = true) @AuthenticationPrincipal Jwt token) {
        UUID user = caller.userId();
        if (user == null) {
            throw new NotAllowed("Only a user's token has personal data to export");
        }
        throttle.take(user);
        PersonalData data;
        try {
            data = gather(user, "Bearer " + token.getTokenValue());
        } catch (PartUnavailable unavailable) {
            throttle.giveBack(user);
            throw unavailable;
        }
        String filename =
                "meridian-export-" + user + "-" + LocalDate.ofInstant(data.exportedAt(), ZoneOffset.UTC) + ".json";
        return ResponseEntity.ok()
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename(filename)
                                .build()
                                .toString())
                .cacheControl(CacheControl.noStore())
                .body(data);
    }

    private PersonalData gather(UUID user, String authorization) {
        Instant now = clock.instant();
        UserView account = accounts.find(user).orElseThrow(() -> new AccountNotFound(user));
        return new PersonalData(
                PersonalData.FORMAT,
                now,
                user,
                account,
                parts.sessions(authorization),
                parts.deliveries(authorization, user),
                parts.auditEntries(authorization, user));
    }
}
