package dev.meridian.audit.erasure;

import dev.meridian.events.UserDeleted;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Migration V4: the entries recorded before crypto-shredding held personal data in plain text, which destroying a
 * key would not make unreadable. This seals each of them once with its user's data key, as new entries are sealed;
 * the entries of users already deleted (a {@code UserDeleted} in their stream) lose their personal data at once and
 * their key is a tombstone from the start. It is the one rewrite of entries the log ever makes, in one transaction,
 * with the append-only trigger disabled for that transaction only (the migration runs as the table's owner); version,
 * type, times, actor and trace stay as they were. Flyway runs it after V3 (Spring Boot hands it the
 * {@link JavaMigration} beans).
 */
@Component
class PlaintextEntriesSealing implements JavaMigration {

    private static final Logger log = LoggerFactory.getLogger(PlaintextEntriesSealing.class);

    private final DataKeySettings settings;
    private final JsonMapper json;

    PlaintextEntriesSealing(DataKeySettings settings, JsonMapper json) {
        this.settings = settings;
        this.json = json;
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("4");
    }

    @Override
    public String getDescription() {
        return "seal plaintext entries";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) {
        JdbcClient jdbc = JdbcClient.create(new SingleConnectionDataSource(context.getConnection(), true));
        DataKeys keys = new DataKeys(jdbc, new Aead(settings.masterKeyBytes()));
        List<UUID> deleted = jdbc.sql("select distinct user_id from audit_event where type = :type")
                .param("type", UserDeleted.TYPE)
                .query(UUID.class)
                .list();
        deleted.forEach(keys::erase);
        record Plain(long position, UUID eventId, UUID userId, String type, String summary, String data) {}
        List<Plain> entries = jdbc.sql("select position, event_id, user_id, type, summary, data::text as data"
                        + " from audit_event where data is not null and type <> :type order by position")
                .param("type", UserDeleted.TYPE)
                .query((row, n) -> new Plain(
                        row.getLong("position"),
                        row.getObject("event_id", UUID.class),
                        row.getObject("user_id", UUID.class),
                        row.getString("type"),
                        row.getString("summary"),
                        row.getString("data")))
                .list();
        if (entries.isEmpty()) {
            return;
        }
        jdbc.sql("alter table audit_event disable trigger audit_event_no_update_or_delete")
                .update();
        int sealed = 0;
        int erased = 0;
        for (Plain entry : entries) {
            Optional<DataKeys.UserKey> key = keys.forWriting(entry.userId());
            byte[] box = null;
            if (key.isPresent()) {
                ObjectNode personal = json.createObjectNode();
                personal.put("summary", entry.summary());
                personal.set("data", json.readTree(entry.data()));
                box = key.get()
                        .seal(entry.eventId(), json.writeValueAsString(personal).getBytes(StandardCharsets.UTF_8));
                sealed++;
            } else {
                erased++;
            }
            jdbc.sql("update audit_event set data = null, summary = null, sealed = :sealed where position = :position")
                    .param("sealed", box)
                    .param("position", entry.position())
                    .update();
        }
        jdbc.sql("alter table audit_event enable trigger audit_event_no_update_or_delete")
                .update();
        log.info(
                "Sealed {} audit entries recorded in plain text with their users' data keys; erased the personal data"
                        + " of {} entries of users deleted before",
                sealed,
                erased);
    }
}
