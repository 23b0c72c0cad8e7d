package dev.meridian.user.search;

import dev.meridian.user.account.AccountStatus;
import dev.meridian.user.account.Role;
import dev.meridian.user.account.UserView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The accounts matching a {@link SearchFilter}, a page at a time, ordered by email (unique: pages are stable). */
@Repository
class AccountSearch {

    static final String COLUMNS = "id, email, name, role, status, created_at, updated_at, email_verified, version";

    private final JdbcClient jdbc;

    AccountSearch(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional(readOnly = true)
    Page<UserView> find(SearchFilter filter, int page, int size) {
        List<UserView> content = jdbc.sql(pageSql(filter))
                .params(filter.parameters())
                .param("limit", size)
                .param("offset", (long) page * size)
                .query(AccountSearch::view)
                .list();
        long total = jdbc.sql("select count(*) from users" + filter.where())
                .params(filter.parameters())
                .query(Long.class)
                .single();
        return new PageImpl<>(content, PageRequest.of(page, size), total);
    }

    /** The statement of one page (also what the index test explains). */
    static String pageSql(SearchFilter filter) {
        return "select " + COLUMNS + " from users" + filter.where() + " order by email limit :limit offset :offset";
    }

    private static UserView view(ResultSet row, int rowNumber) throws SQLException {
        return new UserView(
                row.getObject("id", UUID.class),
                row.getString("email"),
                row.getString("name"),
                Role.valueOf(row.getString("role")),
                AccountStatus.valueOf(row.getString("status")),
                row.getTimestamp("created_at").toInstant(),
                row.getTimestamp("updated_at").toInstant(),
                row.getBoolean("email_verified"),
                row.getLong("version"));
    }
}
