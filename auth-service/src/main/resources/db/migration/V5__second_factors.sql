-- A user's authenticator app (TOTP, RFC 6238): at most one per user. The shared secret is stored encrypted
-- (AES-256-GCM under meridian.auth.keys.encryption-key, the user id as associated data, keys/KeyCipher); last_step is
-- the newest 30-second step a code was accepted for: a code of it or of any earlier step is refused (replay).
-- Passkeys, a second factor of another kind, will get a table of their own.
create table totp_factors (
    user_id     uuid primary key,
    secret      text        not null,
    enrolled_at timestamptz not null,
    last_step   bigint      not null
);

-- The ten single-use recovery codes of a user with a second factor, as SHA-256 digests (codes are 50 random bits:
-- a digest without salt or stretching is enough, as for client secrets). used_at is set once, when a code is used.
create table recovery_codes (
    user_id   uuid        not null,
    code_hash varchar(64) not null,
    used_at   timestamptz,
    primary key (user_id, code_hash)
);
