-- Account lifecycle: verified addresses, locked email changes, and the one-time requests behind the mailed links.
-- Accounts that exist before this migration reached their users already: they count as verified.
alter table users add column email_verified boolean not null default true;
alter table users add column email_change_locked boolean not null default false;

-- The cleanup of never-verified accounts reads these, oldest first; verified accounts are not in the index.
create index users_unverified_created_at_idx on users (created_at) where not email_verified;

-- One row per mailed link: its id is the requestId the events name. Only SHA-256 hashes of the link token and the
-- code are stored (hex), minted when the mailer fetches them; a request is used once (used_at), or dies when it
-- expires or after too many wrong codes.
create table one_time_requests (
    id          uuid         primary key,
    user_id     uuid         not null references users (id) on delete cascade,
    purpose     varchar(32)  not null
        check (purpose in ('verify-email', 'reset-password', 'confirm-email-change', 'cancel-email-change')),
    email       varchar(320) not null,
    token_hash  char(64)     unique,
    code_hash   char(64),
    attempts    int          not null default 0,
    expires_at  timestamptz  not null,
    used_at     timestamptz,
    created_at  timestamptz  not null
);

-- Throttles count a user's recent requests of one purpose; a new request ends the open ones of its purpose.
create index one_time_requests_user_purpose_idx on one_time_requests (user_id, purpose, created_at);
-- A typed code is looked up by the address it was sent to.
create index one_time_requests_open_email_idx on one_time_requests (email, purpose) where used_at is null;
