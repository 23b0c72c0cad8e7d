package dev.meridian.audit.intake;

import dev.meridian.events.ConsumersReadPublishedSamples;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.json.JsonTest;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every published sample, with fields a later publisher might add, read by the JsonMapper this service's listener is
 * given: Boot's, configured by this service's application.yml (the tolerant reader is
 * {@code spring.jackson.deserialization.fail-on-unknown-properties: false}).
 */
@JsonTest
class PublishedSamplesTest extends ConsumersReadPublishedSamples {

    @Autowired
    JsonMapper json;

    @Override
    protected JsonMapper consumersMapper() {
        return json;
    }
}
