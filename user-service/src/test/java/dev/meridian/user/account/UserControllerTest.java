package dev.meridian.user.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;

import dev.meridian.starters.resourceserver.StepUp;
import dev.meridian.user.account.AccountProblems.StaleVersion;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.FilterType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * The account API's web edge alone: optimistic versions through ETag / If-Match, and validation problems. The account
 * rules behind it are {@link UserAccounts}, replaced here; the real ones run in {@code UserApiIT}.
 *
 * <p>Security: this slice does not import the service's own security configuration (whose filter chain and JWT
 * decoder are being moved into a starter); Boot's default chain stands in, and Spring Security Test's {@code jwt()}
 * authenticates each request as the resource server would, with the token's subject and roles. That default chain
 * checks CSRF, so unsafe requests also carry {@code csrf()}; the service's own chain has it off (bearer tokens only).
 */
@WebMvcTest(
        controllers = UserController.class,
        // The body-limit filter needs settings the slice does not load; the security rules need the starter's chain.
        excludeFilters =
                @Filter(
                        type = FilterType.REGEX,
                        pattern = "dev\\.meridian\\.user\\.(web\\.RequestBodyLimit|security\\.).*"))
class UserControllerTest {

    private static final UUID ADA = UUID.fromString("5f1d2c3b-7a8e-4f60-b1c2-d3e4f5a6b7c8");

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    UserAccounts accounts;

    /** The resource-server starter's, which the slice does not load; the callers and problems name its acr. */
    @TestConfiguration(proxyBeanMethods = false)
    static class SecondFactors {

        @Bean
        StepUp stepUp() {
            return new StepUp(List.of(StepUp.MFA));
        }
    }

    @Test
    void anAccountIsServedWithItsVersionAsETag() {
        given(accounts.find(ADA)).willReturn(Optional.of(ada(7)));

        assertThat(mvc.get().uri("/api/users/{id}", ADA).with(as(ADA)))
                .hasStatusOk()
                .hasHeader(HttpHeaders.ETAG, "\"7\"")
                .bodyJson()
                .extractingPath("$.version")
                .isEqualTo(7);
    }

    @Test
    void aChangeWithoutIfMatchIsRefusedWith428() {
        assertThat(mvc.patch()
                        .uri("/api/users/{id}", ADA)
                        .with(as(ADA))
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"Ada King\"}"))
                .hasStatus(HttpStatus.PRECONDITION_REQUIRED)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .isLenientlyEqualTo("""
                        {"status": 428, "detail": "Send If-Match with the ETag of the account you read"}
                        """);
        verify(accounts, never()).change(any(), anyLong(), any(), any());
    }

    @Test
    void aChangeAgainstAStaleVersionIsRefusedWith412() {
        given(accounts.change(eq(ADA), eq(6L), any(), any())).willThrow(new StaleVersion(7));

        assertThat(mvc.patch()
                        .uri("/api/users/{id}", ADA)
                        .with(as(ADA))
                        .with(csrf())
                        .header(HttpHeaders.IF_MATCH, "\"6\"")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"Ada King\"}"))
                .hasStatus(HttpStatus.PRECONDITION_FAILED)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .isLenientlyEqualTo("""
                        {"status": 412, "title": "Stale version",
                         "detail": "The account has changed since it was read; its current version is 7"}
                        """);
    }

    @Test
    void anIfMatchThatNamesNoVersionIsRefusedWith412() {
        assertThat(mvc.patch()
                        .uri("/api/users/{id}", ADA)
                        .with(as(ADA))
                        .with(csrf())
                        .header(HttpHeaders.IF_MATCH, "\"yesterday\"")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"Ada King\"}"))
                .hasStatus(HttpStatus.PRECONDITION_FAILED)
                .bodyJson()
                .extractingPath("$.detail")
                .isEqualTo("If-Match does not name a version of this account: \"yesterday\"");
        verify(accounts, never()).change(any(), anyLong(), any(), any());
    }

    @Test
    void aChangeWithTheCurrentVersionAnswersTheNewETag() {
        given(accounts.change(eq(ADA), eq(7L), any(), any())).willReturn(ada(8));

        assertThat(mvc.patch()
                        .uri("/api/users/{id}", ADA)
                        .with(as(ADA))
                        .with(csrf())
                        .header(HttpHeaders.IF_MATCH, "\"7\"")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"Ada King\"}"))
                .hasStatusOk()
                .hasHeader(HttpHeaders.ETAG, "\"8\"");
    }

    @Test
    void anInvalidSignUpListsEveryFieldInAProblem() {
        assertThat(mvc.post()
                        .uri("/api/users")
                        .with(as(ADA))
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("""
                                {"email": "not-an-address", "name": " ", "password": null}
                                """))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .isLenientlyEqualTo("""
                        {"status": 400, "title": "Invalid request", "detail": "Some fields are missing or invalid",
                         "errors": [
                           {"field": "email", "message": "must be a well-formed email address"},
                           {"field": "name", "message": "must not be blank"},
                           {"field": "password", "message": "must not be null"}
                         ]}
                        """);
        verifyNoInteractions(accounts);
    }

    @Test
    void anInvalidChangeIsRefusedBeforeTheVersionIsChecked() {
        assertThat(mvc.patch()
                        .uri("/api/users/{id}", ADA)
                        .with(as(ADA))
                        .with(csrf())
                        .header(HttpHeaders.IF_MATCH, "\"7\"")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"\"}"))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson()
                .extractingPath("$.errors[*].field")
                .asArray()
                .contains("name");
        verifyNoInteractions(accounts);
    }

    @Test
    void aBodyThatIsNotJsonIsAProblemNotAnError() {
        assertThat(mvc.post()
                        .uri("/api/users")
                        .with(as(ADA))
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"email\": "))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson()
                .extractingPath("$.title")
                .isEqualTo("Unreadable request body");
    }

    private static RequestPostProcessor as(UUID user) {
        return jwt().jwt(token -> token.subject(user.toString()).claim("jti", "jti-" + user));
    }

    private static UserView ada(long version) {
        Instant at = Instant.parse("2026-12-01T08:00:00Z");
        return new UserView(
                ADA, "ada@example.com", "Ada Lovelace", Role.USER, AccountStatus.ACTIVE, at, at, true, version);
    }
}
