package dev.meridian.audit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;

import dev.meridian.starters.problems.ProblemResponsesAutoConfiguration;
import java.net.URI;
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
 * The audit log's query API at its web edge: every bad query parameter is a 400 problem saying what was wrong, and
 * never reaches the log. The problem-responses starter's auto-configuration is imported because it is what turns
 * Spring MVC's own exceptions into problems in the service; the log itself runs against PostgreSQL in
 * {@code AuditLogIT}.
 *
 * <p>Security: the service's own filter chain is not imported (it is being moved into a starter); Boot's default one
 * stands in, and {@code jwt()} authenticates as an administrator's token would. Who may read is proven end to end in
 * {@code AuditLogIT}.
 */
@WebMvcTest(AuditController.class)
@ImportAutoConfiguration(ProblemResponsesAutoConfiguration.class)
class AuditControllerTest {

    private static final String ADA = "/api/audit/users/5f1d2c3b-7a8e-4f60-b1c2-d3e4f5a6b7c8/events";

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    AuditLog log;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            /api/audit/users/not-a-uuid/events | /api/audit/users/not-a-uuid/events | Failed to convert 'userId' with value: 'not-a-uuid'
            %1$s?limit=0                       | %1$s                               | limit must be greater than or equal to 1
            %1$s?limit=501                     | %1$s                               | limit must be less than or equal to 500
            %1$s?fromVersion=0                 | %1$s                               | fromVersion must be greater than or equal to 1
            %1$s?limit=many                    | %1$s                               | Failed to convert 'limit' with value: 'many'
            /api/audit/events?from=yesterday   | /api/audit/events                  | Failed to convert 'from' with value: 'yesterday'
            /api/audit/events?type=x&after=-1  | /api/audit/events                  | after must be greater than or equal to 0
            /api/audit/events?from=%%2B300000-01-01T00:00:00Z    | /api/audit/events | 'from' and 'to' must be times between the years 1 and 9999
            /api/audit/events?to=%%2B1000000000-01-01T00:00:00Z  | /api/audit/events | 'from' and 'to' must be times between the years 1 and 9999
            /api/audit/events?from=2026-11-26T10:00:00Z&to=2026-11-26T09:00:00Z | /api/audit/events | 'from' must be before 'to'
            /api/audit/events?from=2026-11-26T10:00:00Z&to=2026-11-26T10:00:00Z | /api/audit/events | 'from' must be before 'to'
            """)
    void aBadQueryIsA400ProblemThatSaysWhatIsWrong(String query, String instance, String detail) {
        String path = query.formatted(ADA);

        assertThat(mvc.get().uri(URI.create(path)).with(jwt()))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .isLenientlyEqualTo("""
                        {"status": 400, "title": "Bad Request", "detail": "%s", "instance": "%s"}
                        """.formatted(detail, instance.formatted(ADA)));
        verifyNoInteractions(log);
    }
}
