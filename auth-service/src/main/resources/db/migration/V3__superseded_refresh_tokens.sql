-- Refresh tokens that rotation replaced, by SHA-256, with the authorization (token family) they belonged to:
-- presenting one again means it was stolen or leaked, and the whole family is revoked.
create table superseded_refresh_token (
    token_hash       char(64)     primary key,
    authorization_id varchar(100) not null,
    superseded_at    timestamptz  not null default now()
);

create index superseded_refresh_token_authorization on superseded_refresh_token (authorization_id);
create index superseded_refresh_token_superseded_at on superseded_refresh_token (superseded_at);
