package dev.meridian.user;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;

import dev.meridian.testkit.ApiClient;
import dev.meridian.testkit.RealInfrastructure;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * user-service on a random port against real PostgreSQL, Redis and Kafka, trusting the tokens of
 * {@link AccessTokens}; tests talk to it over HTTP through {@link #api}. Test classes that extend this and ask for
 * nothing else share one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "eureka.client.enabled=false")
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
abstract class RunningUserService {

    @LocalServerPort
    int port;

    ApiClient api;

    @DynamicPropertySource
    static void tokens(DynamicPropertyRegistry registry) {
        AccessTokens.register(registry);
    }

    @BeforeEach
    void client() {
        api = new ApiClient("http://localhost:" + port);
    }
}
