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
 * notification-service's {@code GET /api/notifications/me/deliveries}: the mails sent (or not) to the user whose
 * access token it is sent with, oldest first, a page after a cursor.
 */
@FeignClient(name = "notification-service", contextId = "exportDeliveries")
interface DeliveriesClient {

    @GetMapping("/api/notifications/me/deliveries")
    Page mine(
            @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization,
            @RequestParam(value = "after", required = false) String after,
            @RequestParam("limit") int limit);

    /** {@code next} (the cursor of the following page) is absent on the last page. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Page(List<JsonNode> deliveries, String next) {}
}
