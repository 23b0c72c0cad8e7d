package dev.meridian.gateway.docs;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.rewrite.ModifyResponseBodyGatewayFilterFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ApiDocs}: a service's OpenAPI document, served at the gateway for its Swagger UI, names the gateway as its
 * only server and the platform's sign-in as its security scheme. The service itself names the address it was reached
 * at — its own, inside the network — so "Try it out" would call it directly, bypassing the gateway (and, in a
 * cluster, failing). The public URL is configured ({@code meridian.gateway.public-url}, by default the token issuer,
 * which is the gateway's public URL), never taken from request headers a client could set.
 *
 * <p>The scheme is OAuth2's authorization code flow at auth-service's endpoints through the gateway, so that Swagger
 * UI's Authorize signs a person in on the login page and its token request stays on the page's own origin (no CORS).
 * It names no scope: the APIs decide by audience and role. Which client Swagger UI is and that it uses PKCE is
 * Swagger UI's configuration ({@code springdoc.swagger-ui.oauth.*}).
 */
@Component
public class ApiDocsGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The scheme's name in every document the gateway serves. */
    static final String SIGN_IN = "meridian";

    private final ModifyResponseBodyGatewayFilterFactory modifyResponseBody;
    private final List<Map<String, String>> servers;
    private final Map<String, Object> signIn;

    ApiDocsGatewayFilterFactory(
            ModifyResponseBodyGatewayFilterFactory modifyResponseBody,
            @Value("${meridian.gateway.public-url:${meridian.gateway.jwt.issuer}}") URI publicUrl) {
        super(Object.class);
        this.modifyResponseBody = modifyResponseBody;
        this.servers = List.of(Map.of("url", publicUrl.toString(), "description", "the gateway"));
        this.signIn = Map.of(
                "type",
                "oauth2",
                "description",
                "Sign in on the platform's login page (authorization code with PKCE, through the gateway)",
                "flows",
                Map.of(
                        "authorizationCode",
                        Map.of(
                                "authorizationUrl",
                                        publicUrl.resolve("/oauth2/authorize").toString(),
                                "tokenUrl", publicUrl.resolve("/oauth2/token").toString(),
                                "scopes", Map.of())));
    }

    @Override
    public GatewayFilter apply(Object unused) {
        return modifyResponseBody.apply(new ModifyResponseBodyGatewayFilterFactory.Config()
                .setRewriteFunction(
                        String.class,
                        String.class,
                        (exchange, document) ->
                                Mono.justOrEmpty(document == null ? null : servedByTheGateway(document))));
    }

    private String servedByTheGateway(String document) {
        try {
            if (JSON.readTree(document) instanceof ObjectNode openApi) {
                openApi.set("servers", JSON.valueToTree(servers));
                var components = openApi.get("components") instanceof ObjectNode present
                        ? present
                        : openApi.putObject("components");
                var schemes = components.get("securitySchemes") instanceof ObjectNode present
                        ? present
                        : components.putObject("securitySchemes");
                schemes.set(SIGN_IN, JSON.valueToTree(signIn));
                openApi.set("security", JSON.valueToTree(List.of(Map.of(SIGN_IN, List.of()))));
                return JSON.writeValueAsString(openApi);
            }
        } catch (RuntimeException notJson) {
            // An error page or problem from the service: passed on as it is.
        }
        return document;
    }
}
