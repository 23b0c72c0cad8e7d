package dev.meridian.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.json.JsonContent;

/** GET /api/users?email=&name=&status=: administrators find accounts, paged; everyone else is refused. */
class AdminSearchIT extends RunningUserService {

    @Autowired
    JdbcClient jdbc;

    private String tag;

    /** Accounts of this test's own (a tag no other test's addresses have), written straight to the table. */
    @BeforeEach
    void accounts() {
        tag = "srch" + UUID.randomUUID().toString().substring(0, 8);
        account(tag + "-ada@example.com", "Ada Lovelace", "ACTIVE");
        account(tag + "-alan@example.com", "Alan Turing", "ACTIVE");
        account(tag + "-grace@example.com", "Grace Hopper", "DEACTIVATED");
        account(tag + "-100%_x@example.com", "Percent O'Brien " + tag, "ACTIVE");
    }

    @Test
    void anAdministratorFindsAccountsByEmailPrefixNamePartAndStatusPagedByEmail() {
        String admin = AccessTokens.admin(UUID.randomUUID());

        var byPrefix = api.get("/api/users?email=" + tag.toUpperCase() + "-a", admin);
        assertThat(byPrefix.statusCode()).isEqualTo(200);
        assertThat(new JsonContent(byPrefix.body()))
                .extractingPath("$.content[*].email")
                .asArray()
                .containsExactly(tag + "-ada@example.com", tag + "-alan@example.com");
        assertThat(new JsonContent(byPrefix.body()))
                .extractingPath("$.page.totalElements")
                .asNumber()
                .isEqualTo(2);
        assertThat(byPrefix.body()).doesNotContain("password");

        var byNameAndStatus = api.get("/api/users?email=" + tag + "&name=HOPP&status=DEACTIVATED", admin);
        assertThat(new JsonContent(byNameAndStatus.body()))
                .extractingPath("$.content[*].name")
                .asArray()
                .containsExactly("Grace Hopper");

        var paged = api.get("/api/users?email=" + tag + "&page=1&size=3", admin);
        assertThat(new JsonContent(paged.body()))
                .extractingPath("$.content[*].email")
                .asArray()
                .hasSize(1);
        assertThat(new JsonContent(paged.body()))
                .extractingPath("$.page.totalElements")
                .asNumber()
                .isEqualTo(4);
        assertThat(new JsonContent(paged.body()))
                .extractingPath("$.page.number")
                .asNumber()
                .isEqualTo(1);

        var byName = api.get("/api/users?name=" + tag.toUpperCase(), admin);
        assertThat(new JsonContent(byName.body()))
                .extractingPath("$.content[*].name")
                .asArray()
                .containsExactly("Percent O'Brien " + tag);
        var byStatus = api.get("/api/users?status=DEACTIVATED&size=100", admin);
        assertThat(new JsonContent(byStatus.body()))
                .extractingPath("$.content[*].status")
                .asArray()
                .isNotEmpty()
                .containsOnly("DEACTIVATED");
    }

    @Test
    void wildcardsInTheFiltersAreTakenLiterally() {
        String admin = AccessTokens.admin(UUID.randomUUID());

        assertThat(new JsonContent(
                        api.get("/api/users?email=" + tag + "-100%25_", admin).body()))
                .extractingPath("$.content[*].email")
                .asArray()
                .containsExactly(tag + "-100%_x@example.com");
        assertThat(new JsonContent(
                        api.get("/api/users?email=" + tag + "-_", admin).body()))
                .extractingPath("$.page.totalElements")
                .asNumber()
                .isEqualTo(0);
        assertThat(new JsonContent(
                        api.get("/api/users?email=" + tag + "&name=%25", admin).body()))
                .extractingPath("$.page.totalElements")
                .asNumber()
                .isEqualTo(0);
    }

    @Test
    void theSizeIsCappedAndBadParametersAre400Problems() {
        String admin = AccessTokens.admin(UUID.randomUUID());

        var huge = api.get("/api/users?email=" + tag + "&size=100000", admin);
        assertThat(huge.statusCode()).isEqualTo(200);
        assertThat(new JsonContent(huge.body()))
                .extractingPath("$.page.size")
                .asNumber()
                .isEqualTo(100);

        for (String bad : List.of("status=LOST", "email=a&status=active2", "name=x&size=0", "email=a&page=-1")) {
            var response = api.get("/api/users?" + bad, admin);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).as(bad).hasValue("application/problem+json");
            assertThat(response.body()).as(bad).doesNotContain("Exception", "java.");
        }
    }

    @Test
    void aUserIsRefusedWith403AndNobodyWith401() {
        var asUser = api.get("/api/users?email=" + tag, AccessTokens.user(UUID.randomUUID()));
        var anonymous = api.get("/api/users?email=" + tag, null);

        assertThat(asUser.statusCode()).isEqualTo(403);
        assertThat(asUser.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(asUser.body()).doesNotContain(tag + "-ada");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(api.get("/api/users?status=ACTIVE", AccessTokens.user(UUID.randomUUID()))
                        .statusCode())
                .isEqualTo(403);
        assertThat(api.get("/api/users?name=a", AccessTokens.user(UUID.randomUUID()))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void withoutAFilterGetApiUsersIsStillThePlainList() {
        var list = api.get("/api/users?sort=email&size=5", AccessTokens.admin(UUID.randomUUID()));

        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(new JsonContent(list.body()))
                .extractingPath("$.page.size")
                .asNumber()
                .isEqualTo(5);
    }

    private void account(String email, String name, String status) {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("""
                        insert into users (id, email, name, password_hash, role, status, created_at, updated_at, version)
                        values (:id, :email, :name, 'x', 'USER', :status, :now, :now, 0)
                        """)
                .param("id", UUID.randomUUID())
                .param("email", email)
                .param("name", name)
                .param("status", status)
                .param("now", now)
                .update();
    }
}
