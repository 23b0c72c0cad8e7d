package dev.meridian.devstack;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Receives the services' traces over OTLP/HTTP (what they export everywhere, see docker-compose's collector) and
 * hands them to the Zipkin server in Zipkin's v2 JSON, so devstack needs no collector binary. It does only what a
 * collector's Zipkin exporter does for spans: ids in hex, times in microseconds, attributes as tags, the service
 * name from the resource, an error status as the {@code error} tag.
 */
final class TraceRelay implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HexFormat HEX = HexFormat.of();

    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI zipkinSpans;

    private TraceRelay(HttpServer server, URI zipkinSpans) {
        this.server = server;
        this.zipkinSpans = zipkinSpans;
    }

    /** Listens on {@code port} for {@code POST /v1/traces} and forwards to Zipkin at {@code zipkin}. */
    static TraceRelay start(int port, URI zipkin) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        var relay = new TraceRelay(server, zipkin.resolve("/api/v2/spans"));
        server.createContext("/v1/traces", relay::export);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return relay;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces");
    }

    private void export(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            ExportTraceServiceRequest request;
            try (InputStream body = body(exchange)) {
                request = ExportTraceServiceRequest.parseFrom(body);
            } catch (IOException malformed) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            HttpResponse<Void> forwarded = http.send(
                    HttpRequest.newBuilder(zipkinSpans)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(zipkin(request))))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            // Zipkin's own answer is passed on, so an exporter retries when Zipkin is not (yet) taking spans.
            int status = forwarded.statusCode() / 100 == 2 ? 200 : 503;
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static InputStream body(HttpExchange exchange) throws IOException {
        InputStream body = exchange.getRequestBody();
        return "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                ? new GZIPInputStream(body)
                : body;
    }

    static List<Map<String, Object>> zipkin(ExportTraceServiceRequest request) {
        return request.getResourceSpansList().stream()
                .flatMap(resource -> resource.getScopeSpansList().stream()
                        .map(ScopeSpans::getSpansList)
                        .flatMap(List::stream)
                        .map(span -> zipkin(span, serviceName(resource))))
                .toList();
    }

    private static Map<String, Object> zipkin(Span span, String service) {
        Map<String, Object> zipkin = new LinkedHashMap<>();
        zipkin.put("traceId", hex(span.getTraceId()));
        zipkin.put("id", hex(span.getSpanId()));
        if (!span.getParentSpanId().isEmpty()) {
            zipkin.put("parentId", hex(span.getParentSpanId()));
        }
        zipkin.put("name", span.getName());
        String kind = switch (span.getKind()) {
            case SPAN_KIND_SERVER -> "SERVER";
            case SPAN_KIND_CLIENT -> "CLIENT";
            case SPAN_KIND_PRODUCER -> "PRODUCER";
            case SPAN_KIND_CONSUMER -> "CONSUMER";
            default -> null;
        };
        if (kind != null) {
            zipkin.put("kind", kind);
        }
        zipkin.put("timestamp", span.getStartTimeUnixNano() / 1000);
        zipkin.put("duration", Math.max(1, (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1000));
        zipkin.put("localEndpoint", Map.of("serviceName", service));
        Map<String, String> tags = new LinkedHashMap<>();
        span.getAttributesList().forEach(attribute -> tags.put(attribute.getKey(), text(attribute.getValue())));
        if (span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR) {
            tags.put(
                    "error",
                    span.getStatus().getMessage().isEmpty()
                            ? "true"
                            : span.getStatus().getMessage());
        }
        zipkin.put("tags", tags);
        zipkin.put(
                "annotations",
                span.getEventsList().stream()
                        .map(event -> Map.of("timestamp", event.getTimeUnixNano() / 1000, "value", event.getName()))
                        .toList());
        return zipkin;
    }

    private static String serviceName(ResourceSpans resource) {
        return resource.getResource().getAttributesList().stream()
                .filter(attribute -> attribute.getKey().equals("service.name"))
                .map(KeyValue::getValue)
                .map(TraceRelay::text)
                .findFirst()
                .orElse("unknown");
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            default -> value.toString().strip();
        };
    }

    private static String hex(ByteString id) {
        return HEX.formatHex(id.toByteArray());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
