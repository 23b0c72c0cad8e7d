package dev.meridian.user.export;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;

/**
 * audit-service's {@code GET /api/audit/me/events}: the audit stream of the user whose access token it is sent with,
 * oldest first, a page from a version on.
 */
@FeignClient(name = "audit-service", contextId = "exportAudit")
interface AuditClient {

    @GetMapping("/api/audit/me/events")
    Page mine(
            @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization,
            @RequestParam("fromVersion") long fromVersion,
            @RequestParam("limit") int limit);

    /** {@code nextFromVersion} is absent on the last page; fields audit-service adds later are not this page's. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Page(List<JsonNode> events, Long nextFromVersion) {}
}
