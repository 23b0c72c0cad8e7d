package dev.meridian.user.export;

import dev.meridian.user.account.UserView;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The export document (GDPR Art. 20): the account as its owner sees it (never the password hash), and what the other
 * services hold about the user, each part exactly as its owner's API answers it. {@code format} names this shape;
 * fields are only ever added.
 */
record PersonalData(
        String format,
        Instant exportedAt,
        UUID userId,
        UserView account,
        List<JsonNode> sessions,
        List<JsonNode> deliveries,
        List<JsonNode> auditEntries) {

    static final String FORMAT = "meridian-export/1";
}
