package dev.meridian.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;

import dev.meridian.starters.problems.ProblemResponsesAutoConfiguration;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

/**
 * The deliveries query API at its web edge: every bad query parameter is a 400 problem saying what was wrong, and
 * never reaches the database. The problem-responses starter's auto-configuration is imported because it is what turns
 * Spring MVC's own exceptions into problems in the service; the deliveries themselves are read from PostgreSQL in
 * {@code UserMailIT}.
 *
 * <p>Security: the service's own filter chain is not imported (it is being moved into a starter); Boot's default one
 * stands in, and {@code jwt()} authenticates as an administrator's token would. Who may read is proven end to end in
 * {@code UserMailIT}.
 */
@WebMvcTest(DeliveryController.class)
@ImportAutoConfiguration(ProblemResponsesAutoConfiguration.class)
class DeliveryControllerTest {

    private static final String DELIVERIES = "/api/notifications/deliveries";

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    Deliveries deliveries;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ?status=LOST                               |             | Failed to convert 'status' with value: 'LOST'
            ?limit=0                                   |             | limit must be greater than or equal to 1
            ?limit=501                                 |             | limit must be less than or equal to 500
            ?limit=all                                 |             | Failed to convert 'limit' with value: 'all'
            ?before=yesterday                          |             | Failed to convert 'before' with value: 'yesterday'
            ?before=%2B300000-01-01T00:00:00Z          |             | 'before' must be a time between the years 1 and 9999
            ?before=%2B1000000000-01-01T00:00:00Z      |             | 'before' must be a time between the years 1 and 9999
            /not-a-uuid                                | /not-a-uuid | Failed to convert 'eventId' with value: 'not-a-uuid'
            /5f1d2c3b-7a8e-4f60-b1c2-d3e4f5a6b7c8?kind=POSTCARD | /5f1d2c3b-7a8e-4f60-b1c2-d3e4f5a6b7c8 | Failed to convert 'kind' with value: 'POSTCARD'
            """)
    void aBadQueryIsA400ProblemThatSaysWhatIsWrong(String query, String instance, String detail) {
        assertThat(mvc.get().uri(URI.create(DELIVERIES + query)).with(jwt()))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .isLenientlyEqualTo("""
                        {"status": 400, "title": "Bad Request", "detail": "%s", "instance": "%s"}
                        """.formatted(detail, DELIVERIES + (instance == null ? "" : instance)));
        verifyNoInteractions(deliveries);
    }

    @Test
    void aMailNoEventAskedForIsA404Problem() {
        UUID eventId = UUID.fromString("5f1d2c3b-7a8e-4f60-b1c2-d3e4f5a6b7c8");

        assertThat(mvc.get().uri(DELIVERIES + "/{id}", eventId).with(jwt()))
                .hasStatus(HttpStatus.NOT_FOUND)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .isLenientlyEqualTo("""
                        {"status": 404, "title": "Not Found", "detail": "No mail was asked for by event %s"}
                        """.formatted(eventId));
    }
}
