-- Passkeys (WebAuthn), in Spring Security's own schema for its JDBC repositories (JdbcPublicKeyCredentialUserEntityRepository,
-- JdbcUserCredentialRepository; user-entities-schema.sql and user-credentials-schema-postgres.sql in spring-security-web).
-- user_entities.name is the user id (the login principal's name); id is the random WebAuthn user handle, which is all
-- an authenticator stores about the account besides the name it displays.
create table user_entities (
    id           varchar(1000) not null,
    name         varchar(100)  not null,
    display_name varchar(200),
    primary key (id)
);
create unique index user_entities_name on user_entities (name);

-- One row per passkey: its public key (COSE), signature counter, flags and the label the user gave it. No secret is
-- stored: the private key never leaves the authenticator.
create table user_credentials (
    credential_id                varchar(1000) not null,
    user_entity_user_id          varchar(1000) not null,
    public_key                   bytea         not null,
    signature_count              bigint,
    uv_initialized               boolean,
    backup_eligible              boolean       not null,
    authenticator_transports     varchar(1000),
    public_key_credential_type   varchar(100),
    backup_state                 boolean       not null,
    attestation_object           bytea,
    attestation_client_data_json bytea,
    created                      timestamp,
    last_used                    timestamp,
    label                        varchar(1000) not null,
    primary key (credential_id)
);
create index user_credentials_user on user_credentials (user_entity_user_id);
