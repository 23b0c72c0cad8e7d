package dev.meridian.user.search;

import dev.meridian.user.account.AccountStatus;
import dev.meridian.user.account.Caller;
import dev.meridian.user.account.UserView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Min;
import org.springframework.data.web.PagedModel;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Admin search: {@code GET /api/users} with at least one of {@code email} (a prefix), {@code name} (a part of it,
 * any case) and {@code status}; without any, the request is the plain list ({@code account.UserController}). Paged
 * like that list; {@code size} is capped at {@link #MAX_SIZE}. Administrators only.
 */
@RestController
@Tag(name = "Users", description = "Accounts: sign-up, profile, activation")
class SearchController {

    static final int MAX_SIZE = 100;

    private final AccountSearch search;

    SearchController(AccountSearch search) {
        this.search = search;
    }

    @Operation(summary = "Find accounts by email prefix, part of the name and status, paged by email (administrators)")
    @GetMapping(
            path = "/api/users",
            params = {"email"})
    PagedModel<UserView> byEmail(
            @RequestParam(required = false) String email,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) AccountStatus status,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "20") @Min(1) int size,
            Caller caller) {
        return search(new SearchFilter(email, name, status), page, size, caller);
    }

    @GetMapping(
            path = "/api/users",
            params = {"name", "!email"})
    PagedModel<UserView> byName(
            @RequestParam(required = false) String name,
            @RequestParam(required = false) AccountStatus status,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "20") @Min(1) int size,
            Caller caller) {
        return search(new SearchFilter(null, name, status), page, size, caller);
    }

    @GetMapping(
            path = "/api/users",
            params = {"status", "!email", "!name"})
    PagedModel<UserView> byStatus(
            @RequestParam AccountStatus status,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "20") @Min(1) int size,
            Caller caller) {
        return search(new SearchFilter(null, null, status), page, size, caller);
    }

    private PagedModel<UserView> search(SearchFilter filter, int page, int size, Caller caller) {
        if (!caller.admin()) {
            throw new ErrorResponseException(
                    HttpStatus.FORBIDDEN,
                    ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "Only an administrator may search accounts"),
                    null);
        }
        return new PagedModel<>(search.find(filter, page, Math.min(size, MAX_SIZE)));
    }
}
