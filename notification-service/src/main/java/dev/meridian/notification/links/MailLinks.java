package dev.meridian.notification.links;

import java.time.Instant;
import java.util.UUID;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * user-service's {@code POST /internal/mail-links}: mints a fresh link (and for verification a code) for a one-time
 * request an event named, replacing any earlier one. {@code 410} when the request is used, expired or unknown. Called
 * with a client-credentials token of client {@code notification-service} (scope {@code users.mail-links}; see
 * application.yml). An instance found through discovery, or {@code meridian.mail.links.url} when set.
 */
@FeignClient(name = "user-service", contextId = "mailLinks", url = "${meridian.mail.links.url:}")
interface MailLinks {

    @PostMapping(value = "/internal/mail-links", consumes = MediaType.APPLICATION_JSON_VALUE)
    MailLink mint(@RequestBody Request request);

    record Request(UUID requestId) {}

    /** A secret: never logged, never stored; {@link #toString()} says nothing of it. */
    record MailLink(String link, String code, Instant expiresAt) {
        @Override
        public String toString() {
            return "MailLink[expiresAt=" + expiresAt + "]";
        }
    }
}
