package dev.meridian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresServerIT {

    private static PostgresServer embedded;

    @BeforeAll
    static void startEmbedded() {
        embedded = PostgresServer.startEmbedded();
    }

    @Test
    void embeddedServerIsARealPostgresEvenWhenRunAsRoot() throws SQLException {
        assertThat(embedded.origin()).isEqualTo(Origin.EMBEDDED);
        assertThat(serverVersion(embedded)).startsWith("PostgreSQL 17");
    }

    @Test
    void configuredEndpointIsReachedThroughItsJdbcUrl() throws SQLException {
        var configured = PostgresServer.connectTo(embedded.jdbcUrl(), "postgres", "");

        assertThat(configured.origin()).isEqualTo(Origin.CONFIGURED);
        assertThat(serverVersion(configured)).startsWith("PostgreSQL");
    }

    @Test
    void machineServerNamedByTheEnvironmentIsUsedWhenConfigured() throws SQLException {
        assumeTrue(Settings.get(PostgresServer.URL_VARIABLE).isPresent(), "MERIDIAN_POSTGRES_URL not set");

        assertThat(PostgresServer.shared().origin()).isEqualTo(Origin.CONFIGURED);
        assertThat(serverVersion(PostgresServer.shared())).startsWith("PostgreSQL");
    }

    @Test
    void isolatedDatabasesKeepEachContextsRowsApart() throws SQLException {
        String first = embedded.createIsolatedDatabase("user-service");
        String second = embedded.createIsolatedDatabase("user-service");

        assertThat(first).isNotEqualTo(second).contains("/user_service_");
        try (Connection connection = embedded.connect(databaseOf(first))) {
            connection.createStatement().execute("create table marker (id int)");
        }
        try (Connection connection = embedded.connect(databaseOf(second));
                var tables = connection
                        .createStatement()
                        .executeQuery("select count(*) from pg_tables where tablename = 'marker'")) {
            tables.next();
            assertThat(tables.getInt(1)).isZero();
        }
    }

    @Test
    void createDatabaseIsIdempotentForTheLocalRun() {
        assertThat(embedded.createDatabase("audit_service")).isEqualTo(embedded.createDatabase("audit_service"));
    }

    @Test
    void unreachableConfiguredServerFailsFastNamingTheUrl() {
        Instant start = Instant.now();

        assertThatThrownBy(() -> PostgresServer.connectTo("jdbc:postgresql://127.0.0.1:1/meridian", "postgres", ""))
                .isInstanceOf(InfrastructureUnavailableException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/meridian")
                .hasMessageContaining("MERIDIAN_POSTGRES_URL")
                .hasMessageContaining("not reachable");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void malformedUrlIsRejectedNamingTheSetting() {
        assertThatThrownBy(() -> PostgresServer.connectTo("postgres://nowhere", "postgres", ""))
                .isInstanceOf(InfrastructureUnavailableException.class)
                .hasMessageContaining("MERIDIAN_POSTGRES_URL=postgres://nowhere is malformed");
    }

    private static String serverVersion(PostgresServer server) throws SQLException {
        try (Connection connection = server.connect("postgres");
                var result = connection.createStatement().executeQuery("select version()")) {
            result.next();
            return result.getString(1);
        }
    }

    private static String databaseOf(String jdbcUrl) {
        return jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
    }
}
