-- Where each session (authorization) was signed in from, as auth-service saw the sign-in: the client's address and
-- user agent of the login request, and when. Removed with its authorization.
create table session_details (
    authorization_id varchar(100) primary key references oauth2_authorization (id) on delete cascade,
    principal_name   varchar(200) not null,
    address          varchar(64),
    user_agent       varchar(512),
    signed_in_at     timestamptz  not null
);

-- A user's sessions are listed and ended by principal (the user id): Spring's store has no such look-up.
create index oauth2_authorization_principal_name on oauth2_authorization (principal_name);
