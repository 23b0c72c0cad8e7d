package dev.meridian.testkit;

import java.util.Map;

/** The kinds of real server a test can ask for, and the Spring Boot properties that point an app at each. */
public enum Server {
    POSTGRES {
        @Override
        public Map<String, Object> springProperties(String application) {
            PostgresServer postgres = PostgresServer.shared();
            return Map.of(
                    "spring.datasource.url", postgres.createIsolatedDatabase(application),
                    "spring.datasource.username", postgres.username(),
                    "spring.datasource.password", postgres.password());
        }
    },
    REDIS {
        @Override
        public Map<String, Object> springProperties(String application) {
            return Map.of("spring.data.redis.url", RedisServer.shared().url());
        }
    },
    KAFKA {
        @Override
        public Map<String, Object> springProperties(String application) {
            return Map.of("spring.kafka.bootstrap-servers", KafkaBroker.shared().bootstrapServers());
        }
    },
    SMTP {
        @Override
        public Map<String, Object> springProperties(String application) {
            SmtpServer smtp = SmtpServer.shared();
            return Map.of("spring.mail.host", smtp.host(), "spring.mail.port", smtp.port());
        }
    };

    /**
     * Starts (or reaches) the server and answers the Spring Boot properties that point one application at it, for a
     * test context or, as {@code -D} options, for an application started as its own process.
     */
    public abstract Map<String, Object> springProperties(String application);
}
