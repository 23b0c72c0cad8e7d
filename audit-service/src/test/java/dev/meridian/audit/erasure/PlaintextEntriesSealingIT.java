package dev.meridian.audit.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meridian.events.UserCreated;
import dev.meridian.events.UserDeleted;
import dev.meridian.testkit.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Migration V4 against a real PostgreSQL holding entries recorded before crypto-shredding, in plain text: afterwards
 * no personal data is left in plain text, a live user's entries open with their new key to what they said, a user
 * deleted before has no key and no personal data, the deletion entry stays readable, and the table is append-only
 * again.
 */
class PlaintextEntriesSealingIT {

    private static final String MASTER_KEY = "q3v9Xc1TgH7wLm0Ae5Rk2Zp8Ns4Yb6Jd1Fu3Oi9Ww0E=";

    @Test
    void entriesRecordedInPlainTextAreSealedOnceAndThoseOfDeletedUsersLoseTheirPersonalData() {
        PostgresServer postgres = PostgresServer.shared();
        var database = new DriverManagerDataSource(
                postgres.createIsolatedDatabase("audit-sealing"), postgres.username(), postgres.password());
        JdbcClient jdbc = JdbcClient.create(database);
        Flyway.configure().dataSource(database).target("3").load().migrate();
        UUID ada = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        UUID adaCreated = UUID.randomUUID();
        insert(
                jdbc,
                adaCreated,
                ada,
                1,
                UserCreated.TYPE,
                "Account created for ada@example.com",
                "{\"email\": \"ada@example.com\", \"name\": \"Ada\"}");
        insert(
                jdbc,
                UUID.randomUUID(),
                bob,
                1,
                UserCreated.TYPE,
                "Account created for bob@example.com",
                "{\"email\": \"bob@example.com\", \"name\": \"Bob\"}");
        insert(
                jdbc,
                UUID.randomUUID(),
                bob,
                2,
                UserDeleted.TYPE,
                "Account deleted (never-verified), by the system",
                "{\"reason\": \"never-verified\"}");

        JsonMapper json = JsonMapper.builder().build();
        Flyway.configure()
                .dataSource(database)
                .javaMigrations(new PlaintextEntriesSealing(new DataKeySettings(MASTER_KEY), json))
                .load()
                .migrate();

        String plain = String.join(
                " ",
                jdbc.sql("select coalesce(data::text, '') || coalesce(summary, '')" + " from audit_event")
                        .query(String.class)
                        .list());
        assertThat(plain)
                .doesNotContain("ada@example.com", "bob@example.com", "Ada", "Bob")
                .contains("never-verified");
        DataKeys keys = new DataKeys(jdbc, new Aead(new DataKeySettings(MASTER_KEY).masterKeyBytes()));
        byte[] sealed = jdbc.sql("select sealed from audit_event where event_id = ?")
                .param(adaCreated)
                .query((row, n) -> row.getBytes(1))
                .single();
        assertThat(new String(keys.forReading(List.of(ada)).get(ada).open(adaCreated, sealed), StandardCharsets.UTF_8))
                .contains("ada@example.com", "Account created for ada@example.com");
        assertThat(keys.forReading(List.of(bob))).isEmpty();
        assertThat(jdbc.sql("select count(*) from audit_event where user_id = ? and sealed is null and data is null")
                        .param(bob)
                        .query(Long.class)
                        .single())
                .isOne();
        assertThat(jdbc.sql("select version from audit_event where user_id = ? order by version")
                        .param(bob)
                        .query(Long.class)
                        .list())
                .containsExactly(1L, 2L);
        assertThatThrownBy(() -> jdbc.sql("update audit_event set summary = 'x' where user_id = ?")
                        .param(ada)
                        .update())
                .rootCause()
                .hasMessageContaining("append-only");
    }

    private static void insert(
            JdbcClient jdbc, UUID eventId, UUID userId, long version, String type, String summary, String data) {
        jdbc.sql("""
                        insert into audit_event (event_id, user_id, version, type, source, occurred_at, summary, data)
                        values (?, ?, ?, ?, '/meridian/user-service', now(), ?, cast(? as jsonb))""").params(eventId, userId, version, type, summary, data).update();
    }
}
