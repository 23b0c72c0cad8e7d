package dev.meridian.user.onetime;

import dev.meridian.user.onetime.OneTimeProblems.LinkGone;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.UUID;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The one way a link or code leaves user-service: to notification-service (a client-credentials token with scope
 * {@code users.mail-links}; the gateway never routes {@code /internal/**}), which fetches it by the request id an
 * event named, right before it sends the mail. Each fetch mints a new secret, so only the last mailed link works.
 * Nothing here is logged: the answer is the secret.
 */
@RestController
@Hidden
class MailLinksController {

    private final OneTimeRequests requests;

    MailLinksController(OneTimeRequests requests) {
        this.requests = requests;
    }

    record MailLinkRequest(@NotNull UUID requestId) {}

    /** {@code 200} with the link (and code), or {@code 410} when the request is used, expired or unknown. */
    @PostMapping("/internal/mail-links")
    OneTimeRequests.MailLink mailLink(@Valid @RequestBody MailLinkRequest request) {
        return requests.mint(request.requestId()).orElseThrow(LinkGone::new);
    }
}
