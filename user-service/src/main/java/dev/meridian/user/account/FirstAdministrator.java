package dev.meridian.user.account;

import dev.meridian.user.account.AccountProblems.EmailAlreadyTaken;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

/**
 * Creates the first administrator at start-up when {@code meridian.users.first-admin.email} is set and no
 * administrator exists yet — otherwise nobody could ever be given the role, since only administrators may. It is an
 * ordinary sign-up (same rules, a {@code UserCreated} event); the password comes from a secret, and is best changed
 * afterwards. Several instances starting together create it once: the email is unique.
 */
@Component
@EnableConfigurationProperties(FirstAdministrator.Settings.class)
class FirstAdministrator implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(FirstAdministrator.class);
    private static final Caller BOOTSTRAP = new Caller(null, true, null);

    private final UserAccounts accounts;
    private final UserRepository users;
    private final Settings settings;

    FirstAdministrator(UserAccounts accounts, UserRepository users, Settings settings) {
        this.accounts = accounts;
        this.users = users;
        this.settings = settings;
    }

    @Override
    public void run(ApplicationArguments arguments) {
        if (settings.email() == null || users.existsByRole(Role.ADMIN)) {
            return;
        }
        try {
            UserView admin = accounts.registerVerified(
                    new SignUp(settings.email(), settings.name(), settings.password(), Role.ADMIN), BOOTSTRAP);
            log.info("Created the first administrator, {} ({})", admin.email(), admin.id());
        } catch (EmailAlreadyTaken createdByAnotherInstance) {
            log.info("The first administrator {} already exists", settings.email());
        }
    }

    /** The first administrator's account; unset email: none is created. */
    @ConfigurationProperties("meridian.users.first-admin")
    @Validated
    record Settings(
            @Email String email,
            @DefaultValue("Administrator") String name,
            @Size(min = 12) String password) {

        Settings {
            if (email != null && password == null) {
                throw new IllegalArgumentException(
                        "meridian.users.first-admin.password is required with meridian.users.first-admin.email");
            }
        }
    }
}
