package dev.meridian.audit;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(properties = "eureka.client.enabled=false")
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class AuditApplicationIT {

    @Autowired
    HealthEndpoint health;

    @Test
    void startsAgainstRealInfrastructureAndReportsReady() {
        assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);
        assertThat(health.healthForPath("db").getStatus()).isEqualTo(Status.UP);
    }
}
