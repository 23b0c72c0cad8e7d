package dev.meridian.user.export;

import java.util.List;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import tools.jackson.databind.JsonNode;

/**
 * auth-service's {@code GET /api/sessions}: the signed-in sessions of the user whose access token it is sent with
 * (the user's own, relayed), and of no one else.
 */
@FeignClient(name = "auth-service", contextId = "exportSessions")
interface SessionsClient {

    @GetMapping("/api/sessions")
    List<JsonNode> mine(@RequestHeader(HttpHeaders.AUTHORIZATION) String authorization);
}
