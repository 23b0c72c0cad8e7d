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
 * only server. The service itself names the address it was reached at — its own, inside the network — so "Try it
 * out" would call it directly, bypassing the gateway (and, in a cluster, failing). The public URL is configured
 * ({@code meridian.gateway.public-url}, by default the token issuer, which is the gateway's public URL), never taken
 * from request headers a client could set.
 */
@Component
public class ApiDocsGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ModifyResponseBodyGatewayFilterFactory modifyResponseBody;
    private final List<Map<String, String>> servers;

    ApiDocsGatewayFilterFactory(
            ModifyResponseBodyGatewayFilterFactory modifyResponseBody,
            @Value("${meridian.gateway.public-url:${meridian.gateway.jwt.issuer}}") URI publicUrl) {
        super(Object.class);
        this.modifyResponseBody = modifyResponseBody;
        this.servers = List.of(Map.of("url", publicUrl.toString(), "description", "the gateway"));
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
                return JSON.writeValueAsString(openApi);
            }
        } catch (RuntimeException notJson) {
            // An error page or problem from the service: passed on as it is.
        }
        return document;
    }
}
