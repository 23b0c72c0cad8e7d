package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.ApiClient;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.json.JsonContent;

/** Every error, from a controller or from before one, is a problem carrying the request's trace id. */
class ErrorProblemsIT extends RunningUserService {

    @Test
    void aValidationProblemCarriesTheTraceIdOfItsRequest() {
        String traceId = traceId();

        var response = ApiClient.send(api.request("/api/users", null)
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"email\": \"x\"}")));

        assertProblem(response, 400);
        assertThat(new JsonContent(response.body()))
                .extractingPath("$.traceId")
                .asString()
                .isEqualTo(traceId);
    }

    @Test
    void aMissingTokenIsAProblemWithATraceId() {
        var response = api.get("/api/users/me", null);

        assertProblem(response, 401);
        assertThat(new JsonContent(response.body()))
                .extractingPath("$.traceId")
                .asString()
                .matches("[0-9a-f]{32}");
    }

    @Test
    void aRequestTheFirewallRejectsBeforeAnyControllerIsAProblemNotBootsErrorJson() {
        String traceId = traceId();

        var response = ApiClient.send(api.request("/api/users;jsessionid=x/me", AccessTokens.user(UUID.randomUUID()))
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .GET());

        assertProblem(response, 400);
        assertThat(response.body()).doesNotContain("timestamp", "RequestRejected", "Exception");
        assertThat(new JsonContent(response.body()))
                .extractingPath("$.traceId")
                .asString()
                .isEqualTo(traceId);
    }

    @Test
    void aDeclaredOversizeBodyIsAProblemWithATraceId() {
        var response = api.post("/api/users", null, "{\"name\": \"" + "x".repeat(20_000) + "\"}");

        assertProblem(response, 413);
        assertThat(new JsonContent(response.body()))
                .extractingPath("$.traceId")
                .asString()
                .matches("[0-9a-f]{32}");
    }

    static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new JsonContent(response.body()))
                .extractingPath("$.status")
                .asNumber()
                .isEqualTo(status);
        assertThat(response.body()).doesNotContain("\"trace\"", "\"exception\"", "at dev.meridian", "java.");
    }

    static String traceId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
