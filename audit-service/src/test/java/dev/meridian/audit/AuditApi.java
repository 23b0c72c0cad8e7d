package dev.meridian.audit;

import dev.meridian.testkit.ApiClient;
import dev.meridian.testkit.TokenIssuer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The audit API over real HTTP, with access tokens from the testkit's issuer, which the service is pointed at. */
record AuditApi(ApiClient http) {

    static final TokenIssuer ISSUER = TokenIssuer.start("http://localhost:8080");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    AuditApi(String baseUrl) {
        this(new ApiClient(baseUrl));
    }

    static void trustIssuer(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER::issuer);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", ISSUER::jwkSetUri);
    }

    static String token(String... roles) {
        return ISSUER.sign(ISSUER.claims(UUID.randomUUID().toString(), "audit-service")
                .claim("roles", List.of(roles))
                .build());
    }

    HttpResponse<String> get(String path, String token) {
        return http.get(path, token);
    }

    HttpResponse<String> post(String path, String token) {
        return http.post(path, token, null);
    }

    /** GET as an administrator, expecting 200; the body as JSON. */
    JsonNode read(String path) {
        HttpResponse<String> response = get(path, token("ADMIN"));
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    List<JsonNode> stream(UUID userId) {
        return read("/api/audit/users/" + userId + "/events?limit=500")
                .get("events")
                .valueStream()
                .toList();
    }
}
