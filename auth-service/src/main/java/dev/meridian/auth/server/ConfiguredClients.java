package dev.meridian.auth.server;

import dev.meridian.auth.secondfactor.SecondFactors;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.keygen.BytesKeyGenerator;
import org.springframework.security.crypto.keygen.KeyGenerators;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Component;

/**
 * Registers the clients named in configuration ({@code meridian.auth.clients}) at start-up, and brings registrations
 * that already exist up to date, so that a deployment's clients are whatever its configuration says. A client an
 * earlier configuration registered and this one no longer names is retired: its secret is replaced by an unknown,
 * expired one and it can no longer authenticate (public clients lose method {@code none}), so neither its secret nor
 * its refresh tokens get tokens any more; its row stays, so the authorizations that name it still resolve until they
 * expire, and naming it again brings it back. With no clients configured at all nothing is retired: an empty list is
 * more likely a missing secret than an intent to shut every client out.
 */
@Component
class ConfiguredClients implements ApplicationRunner {

    /** Client setting: the space-separated resource servers (audiences) its access tokens are for. */
    static final String AUDIENCES = "meridian.audiences";

    private static final Logger log = LoggerFactory.getLogger(ConfiguredClients.class);

    private final AuthSettings settings;
    private final RegisteredClientRepository clients;
    private final PasswordEncoder clientSecrets;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final BytesKeyGenerator unknownSecrets = KeyGenerators.secureRandom(32);

    ConfiguredClients(
            AuthSettings settings,
            RegisteredClientRepository clients,
            PasswordEncoder clientSecrets,
            JdbcClient jdbc,
            Clock clock) {
        this.settings = settings;
        this.clients = clients;
        this.clientSecrets = clientSecrets;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments arguments) {
        settings.clients().forEach(client -> {
            clients.save(registration(client));
            log.info("Client {} registered ({})", client.clientId(), client.grantTypes());
        });
        if (!settings.clients().isEmpty()) {
            retireUnconfigured();
        }
    }

    private void retireUnconfigured() {
        Set<String> configured =
                settings.clients().stream().map(AuthSettings.Client::clientId).collect(Collectors.toSet());
        // The repository has no listing; its table is Spring Authorization Server's schema (db/migration).
        jdbc
                .sql("select client_id from oauth2_registered_client where client_secret_expires_at is null")
                .query(String.class)
                .list()
                .stream()
                .filter(clientId -> !configured.contains(clientId))
                .map(clients::findByClientId)
                .forEach(client -> {
                    clients.save(retired(client));
                    log.warn(
                            "Client {} is registered but no longer configured: retired, it can no longer authenticate",
                            client.getClientId());
                });
    }

    private RegisteredClient retired(RegisteredClient client) {
        return RegisteredClient.from(client)
                .clientSecret(clientSecrets.encode(HexFormat.of().formatHex(unknownSecrets.generateKey())))
                .clientSecretExpiresAt(clock.instant())
                .clientAuthenticationMethods(methods -> {
                    methods.clear();
                    methods.add(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
                })
                .build();
    }

    private RegisteredClient registration(AuthSettings.Client client) {
        RegisteredClient existing = clients.findByClientId(client.clientId());
        boolean isPublic = client.secret() == null || client.secret().isBlank();
        return (existing == null
                        ? RegisteredClient.withId(UUID.randomUUID().toString())
                        : RegisteredClient.from(existing))
                .clientId(client.clientId())
                .clientName(client.clientId())
                .clientSecret(isPublic ? null : clientSecrets.encode(client.secret()))
                .clientSecretExpiresAt(null) // back from retirement, if it was retired
                .clientAuthenticationMethods(methods -> {
                    methods.clear();
                    if (isPublic) {
                        methods.add(ClientAuthenticationMethod.NONE);
                    } else {
                        methods.add(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
                        methods.add(ClientAuthenticationMethod.CLIENT_SECRET_POST);
                    }
                })
                .authorizationGrantTypes(grants -> {
                    grants.clear();
                    client.grantTypes().forEach(grant -> grants.add(new AuthorizationGrantType(grant)));
                })
                .scopes(scopes -> {
                    scopes.clear();
                    scopes.addAll(client.scopes());
                })
                .redirectUris(uris -> {
                    uris.clear();
                    client.redirectUris().forEach(uri -> uris.add(uri.toString()));
                })
                .clientSettings(ClientSettings.builder()
                        // PKCE for every authorization code client, confidential ones too (OAuth 2.1).
                        .requireProofKey(
                                client.grantTypes().contains(AuthorizationGrantType.AUTHORIZATION_CODE.getValue()))
                        .setting(AUDIENCES, String.join(" ", client.audiences()))
                        .setting(SecondFactors.REQUIRED_BY_CLIENT, client.requireSecondFactor())
                        .build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(settings.accessTokenTtl())
                        .refreshTokenTimeToLive(settings.refreshTokenTtl())
                        .reuseRefreshTokens(false)
                        .build())
                .build();
    }
}
