package dev.meridian.user.search;

import static dev.meridian.testkit.Server.KAFKA;
import static dev.meridian.testkit.Server.POSTGRES;
import static dev.meridian.testkit.Server.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meridian.testkit.RealInfrastructure;
import dev.meridian.testkit.TokenIssuer;
import dev.meridian.user.account.AccountStatus;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The admin search's statements use its indexes (V4__admin_search.sql) on a table of a few thousand accounts: the
 * plan PostgreSQL makes for exactly the SQL {@link AccountSearch} sends. The rows are added, analysed and explained
 * in one transaction that is rolled back, so the shared test database is left as it was.
 */
@SpringBootTest(properties = "eureka.client.enabled=false")
@RealInfrastructure({POSTGRES, REDIS, KAFKA})
class SearchIndexIT {

    private static final TokenIssuer ISSUER = TokenIssuer.start("http://localhost:8080");

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @DynamicPropertySource
    static void tokens(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", ISSUER::issuer);
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", ISSUER::jwkSetUri);
    }

    @Test
    void emailPrefixNameSubstringAndARareStatusAreFoundThroughTheirIndexes() {
        transactions.executeWithoutResult(transaction -> {
            jdbc.sql("""
                            insert into users (id, email, name, password_hash, role, status, created_at, updated_at,
                                               version)
                            select gen_random_uuid(), 'search-' || n || '@example.com', 'Person ' || md5(n::text),
                                   'x', 'USER', case when n % 100 = 0 then 'DEACTIVATED' else 'ACTIVE' end, now(),
                                   now(), 0
                              from generate_series(1, 5000) as n
                            """).update();
            // Rows just written to a GIN index wait in its pending list, which the planner counts against the index
            // until (auto)vacuum merges them; merge them now, as a table that has lived a while has been.
            jdbc.sql("select gin_clean_pending_list('users_name_trgm_idx')")
                    .query(Long.class)
                    .single();
            jdbc.sql("analyze users").update();

            assertThat(plan(new SearchFilter("search-1234", null, null))).contains("users_email_prefix_idx");
            String part = jdbc.sql("select substr(md5('777'), 5, 8)")
                    .query(String.class)
                    .single();
            assertThat(plan(new SearchFilter(null, part.toUpperCase(), null))).contains("users_name_trgm_idx");
            assertThat(plan(new SearchFilter(null, null, AccountStatus.DEACTIVATED)))
                    .contains("users_status_email_idx");
            assertThat(plan(new SearchFilter("search-12", "person", AccountStatus.ACTIVE)))
                    .contains("users_email_prefix_idx");
            assertThat(count(new SearchFilter("search-123", null, null))).isEqualTo(11); // 123, 1230..1239
            assertThat(count(new SearchFilter(null, part, null))).isEqualTo(1);
            assertThat(count(new SearchFilter("SEARCH-", null, AccountStatus.DEACTIVATED)))
                    .isEqualTo(50);
            transaction.setRollbackOnly();
        });
    }

    private String plan(SearchFilter filter) {
        List<String> lines = jdbc.sql("explain " + AccountSearch.pageSql(filter))
                .params(filter.parameters())
                .param("limit", 20)
                .param("offset", 0L)
                .query(String.class)
                .list();
        String plan = String.join("\n", lines);
        assertThat(plan).as(plan).doesNotContain("Seq Scan");
        return plan;
    }

    private long count(SearchFilter filter) {
        return jdbc.sql("select count(*) from users" + filter.where())
                .params(filter.parameters())
                .query(Long.class)
                .single();
    }
}
