package dev.meridian.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Accounts made as a user makes them: sign-up through the gateway, then the code from the verification mail. */
final class Accounts {

    private Accounts() {}

    static String uniqueEmail(String prefix) {
        return prefix + "-" + System.nanoTime() + "@example.com";
    }

    /** Signs up (waiting for the gateway to find user-service): the answer, the same for a new and a known address. */
    static HttpResponse<String> signUp(NativeAppSignIn app, String email, String name, String password)
            throws Exception {
        @SuppressWarnings("unchecked")
        HttpResponse<String>[] answer = new HttpResponse[1];
        PlatformSmokeIT.awaitOrExplain(Duration.ofSeconds(60), () -> {
            answer[0] = app.send(app.get("/api/users")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            json("email", email, "name", name, "password", password))));
            return answer[0].statusCode() / 100 == 2;
        });
        return answer[0];
    }

    /** Signs up and verifies the address with the code its first mail carries, as a user would type it. */
    static String signUpVerified(NativeAppSignIn app, String email, String password) throws Exception {
        signUp(app, email, "Outside Client", password);
        verifyWithCode(
                app,
                email,
                Mailbox.await(email, AccountLifecycleIT.MailSubjects.VERIFICATION)
                        .code());
        return email;
    }

    static void verifyWithCode(NativeAppSignIn app, String email, String code) throws Exception {
        HttpResponse<String> verified = app.send(app.get("/api/users/email-verification")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json("email", email, "code", code))));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(204);
    }

    /** A JSON object of string fields, names and values alternating; values escaped for quotes and backslashes. */
    static String json(String... namesAndValues) {
        var object = new StringBuilder("{");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (i > 0) {
                object.append(',');
            }
            object.append('"')
                    .append(namesAndValues[i])
                    .append("\":\"")
                    .append(namesAndValues[i + 1].replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
        }
        return object.append('}').toString();
    }
}
