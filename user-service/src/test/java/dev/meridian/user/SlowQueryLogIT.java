package dev.meridian.user;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.RealInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With a threshold of zero every query is "slow": each is logged inside the trace of the request that ran it. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"eureka.client.enabled=false", "meridian.jdbc.slow-query-threshold=0ms"})
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
@ExtendWith(OutputCaptureExtension.class)
class SlowQueryLogIT {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void tokens(DynamicPropertyRegistry registry) {
        AccessTokens.register(registry);
    }

    @Test
    void slowQueriesAreLoggedWithTheTraceIdOfTheirRequestAndWithoutParameters(CapturedOutput output) throws Exception {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String email = UUID.randomUUID() + "@example.com";
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/users"))
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"email": "%s", "name": "Slow", "password": "correct horse battery"}""".formatted(email)))
                .build();

        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(output.getOut().lines().filter(line -> line.contains("Slow query")))
                .anySatisfy(line -> assertThat(line).contains(traceId).contains("insert into"))
                .noneSatisfy(line -> assertThat(line).contains(email));
    }
}
