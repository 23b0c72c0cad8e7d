package dev.meridian.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceRelayTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void anOtlpSpanBecomesAZipkinSpanOfItsService() {
        Span consumer = Span.newBuilder()
                .setTraceId(bytes("4bf92f3577b34da6a3ce929d0e0e4736"))
                .setSpanId(bytes("00f067aa0ba902b7"))
                .setParentSpanId(bytes("b9c7c989f97918e1"))
                .setName("user-events receive")
                .setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
                .setStartTimeUnixNano(1_700_000_000_123_456_789L)
                .setEndTimeUnixNano(1_700_000_000_125_456_789L)
                .addAttributes(
                        attribute("messaging.system", AnyValue.newBuilder().setStringValue("kafka")))
                .addAttributes(attribute(
                        "messaging.kafka.partition", AnyValue.newBuilder().setIntValue(3)))
                .setStatus(Status.newBuilder()
                        .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                        .setMessage("boom"))
                .build();
        var request = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder()
                                .addAttributes(attribute(
                                        "service.name", AnyValue.newBuilder().setStringValue("audit-service"))))
                        .addScopeSpans(ScopeSpans.newBuilder().addSpans(consumer)))
                .build();

        List<Map<String, Object>> zipkin = TraceRelay.zipkin(request);

        assertThat(zipkin).singleElement().satisfies(span -> {
            assertThat(span)
                    .containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
                    .containsEntry("id", "00f067aa0ba902b7")
                    .containsEntry("parentId", "b9c7c989f97918e1")
                    .containsEntry("name", "user-events receive")
                    .containsEntry("kind", "CONSUMER")
                    .containsEntry("timestamp", 1_700_000_000_123_456L)
                    .containsEntry("duration", 2_000L)
                    .containsEntry("localEndpoint", Map.of("serviceName", "audit-service"));
            assertThat(span.get("tags"))
                    .isEqualTo(Map.of("messaging.system", "kafka", "messaging.kafka.partition", "3", "error", "boom"));
        });
    }

    @Test
    void aRootInternalSpanHasNeitherParentNorKind() {
        Span root = Span.newBuilder()
                .setTraceId(bytes("4bf92f3577b34da6a3ce929d0e0e4736"))
                .setSpanId(bytes("00f067aa0ba902b7"))
                .setName("outbox relay")
                .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
                .build();
        var request = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .addScopeSpans(ScopeSpans.newBuilder().addSpans(root)))
                .build();

        Map<String, Object> span = TraceRelay.zipkin(request).getFirst();

        assertThat(span).doesNotContainKeys("parentId", "kind");
        assertThat(span).containsEntry("localEndpoint", Map.of("serviceName", "unknown"));
    }

    private static ByteString bytes(String hex) {
        return ByteString.copyFrom(HEX.parseHex(hex));
    }

    private static KeyValue attribute(String key, AnyValue.Builder value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }
}
