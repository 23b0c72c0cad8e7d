package dev.meridian.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

@SpringJUnitConfig(RealInfrastructureIT.Empty.class)
@TestPropertySource(properties = "spring.application.name=probe-service")
@RealInfrastructure({Server.POSTGRES, Server.REDIS, Server.KAFKA, Server.SMTP})
class RealInfrastructureIT {

    @Value("${spring.datasource.url}")
    String datasourceUrl;

    @Value("${spring.datasource.username}")
    String username;

    @Value("${spring.datasource.password}")
    String password;

    @Value("${spring.data.redis.url}")
    String redisUrl;

    @Value("${spring.kafka.bootstrap-servers}")
    String kafkaBootstrap;

    @Value("${spring.mail.port}")
    int mailPort;

    @Test
    void oneAnnotationPointsTheContextAtEveryRequestedServer() throws SQLException {
        assertThat(datasourceUrl).contains("/probe_service_");
        try (var connection = DriverManager.getConnection(datasourceUrl, username, password)) {
            assertThat(connection.isValid(2)).isTrue();
        }
        assertThat(redisUrl).isEqualTo(RedisServer.shared().url());
        assertThat(kafkaBootstrap).isEqualTo(KafkaBroker.shared().bootstrapServers());
        assertThat(mailPort).isEqualTo(SmtpServer.shared().port());
    }

    @Configuration(proxyBeanMethods = false)
    static class Empty {}
}
