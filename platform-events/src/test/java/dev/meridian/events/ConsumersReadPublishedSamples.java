package dev.meridian.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.events.PublishedSamples.Sample;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a consumer's tests inherit to prove it is a tolerant reader: every published sample, with fields a later
 * publisher might add, read by the {@link JsonMapper} the consumer's listener is given (its own configuration, e.g.
 * {@code spring.jackson.deserialization.fail-on-unknown-properties: false}), reads as the sample without them.
 */
public abstract class ConsumersReadPublishedSamples {

    /** The mapper the consumer's listener reads events with. */
    protected abstract JsonMapper consumersMapper();

    protected static List<Sample> samples() {
        return PublishedSamples.every();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    protected void aSampleWithFieldsAddedByALaterVersionReadsAsWithout(Sample sample) {
        JsonMapper json = consumersMapper();
        ObjectNode published = (ObjectNode) json.readTree(PublishedSamples.read(sample.name()));
        ObjectNode later = published.deepCopy();
        later.put("aFieldOfALaterVersion", "ignore me");
        later.putObject("anObjectOfALaterVersion").putArray("items").add(1).add("two");

        UserEvent read = json.readValue(later.toString(), sample.type());

        assertThat(read).isEqualTo(json.readValue(withoutUnknownFields(published, sample.type()), sample.type()));
        assertThat(read.eventId()).isNotNull();
    }

    /** The sample as the current record writes it: only the fields this version knows. */
    private static String withoutUnknownFields(ObjectNode sample, Class<? extends UserEvent> type) {
        ObjectNode known = sample.deepCopy();
        List<String> fields =
                Stream.of(type.getRecordComponents()).map(c -> c.getName()).toList();
        known.propertyNames().stream()
                .filter(name -> !fields.contains(name))
                .toList()
                .forEach(known::remove);
        return known.toString();
    }
}
