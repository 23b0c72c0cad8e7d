package dev.meridian.auth.server;

import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
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
 * that already exist up to date, so that a deployment's clients are whatever its configuration says.
 */
@Component
class ConfiguredClients implements ApplicationRunner {

    /** Client setting: the space-separated resource servers (audiences) its access tokens are for. */
    static final String AUDIENCES = "meridian.audiences";

    private static final Logger log = LoggerFactory.getLogger(ConfiguredClients.class);

    private final AuthSettings settings;
    private final RegisteredClientRepository clients;
    private final PasswordEncoder clientSecrets;

    ConfiguredClients(AuthSettings settings, RegisteredClientRepository clients, PasswordEncoder clientSecrets) {
        this.settings = settings;
        this.clients = clients;
        this.clientSecrets = clientSecrets;
    }

    @Override
    public void run(ApplicationArguments arguments) {
        settings.clients().forEach(client -> {
            clients.save(registration(client));
            log.info("Client {} registered ({})", client.clientId(), client.grantTypes());
        });
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
                        .build())
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(settings.accessTokenTtl())
                        .refreshTokenTimeToLive(settings.refreshTokenTtl())
                        .reuseRefreshTokens(false)
                        .build())
                .build();
    }
}
