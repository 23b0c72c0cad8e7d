package dev.meridian.user.search;

import dev.meridian.user.account.AccountStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an administrator searches accounts by; a blank filter is no filter. Renders itself as the SQL conditions that
 * the indexes of {@code V4__admin_search.sql} serve: {@code lower(email) LIKE 'prefix%'} and {@code lower(name) LIKE
 * '%part%'}, with the user's {@code %}, {@code _} and {@code \} taken literally.
 */
record SearchFilter(String email, String name, AccountStatus status) {

    SearchFilter {
        email = blankToNull(email);
        name = blankToNull(name);
    }

    String where() {
        List<String> conditions = new ArrayList<>();
        if (email != null) {
            conditions.add("lower(email) like :emailPattern");
        }
        if (name != null) {
            conditions.add("lower(name) like :namePattern");
        }
        if (status != null) {
            conditions.add("status = :status");
        }
        return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    }

    Map<String, Object> parameters() {
        Map<String, Object> parameters = new TreeMap<>();
        if (email != null) {
            parameters.put("emailPattern", literal(email) + "%");
        }
        if (name != null) {
            parameters.put("namePattern", "%" + literal(name) + "%");
        }
        if (status != null) {
            parameters.put("status", status.name());
        }
        return parameters;
    }

    /** LIKE's wildcards and escape character as plain characters ({@code \} is PostgreSQL's default escape). */
    private static String literal(String text) {
        return text.toLowerCase(Locale.ROOT)
                .replace("\\", "\\\\")
                .replace("%", "\\%")
                .replace("_", "\\_");
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
